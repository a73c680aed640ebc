import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentVsCode, type AgentVsCodeSession } from './session';

/**
 * The sandbox (process provider) runs on this machine: its second command waits for this file,
 * so the test edits `c.txt` locally after the upload and before the agent's change arrives.
 */
const gateDir = mkdtempSync(path.join(tmpdir(), 'handoff-review-gate-'));
const GATE = path.join(gateDir, 'go');

const EDIT_THREE = [
  `while [ ! -e ${GATE} ]; do sleep 0.1; done`,
  "printf 'agent a\\n' > a.txt",
  "printf 'agent b\\n' > b.txt",
  "printf 'agent c\\n' > c.txt",
].join('; ');

const SCRIPT = [
  {
    text: 'Reading the three files.',
    toolCalls: [
      { name: 'execute_bash', arguments: { command: 'cat a.txt b.txt c.txt', security_risk: 'LOW' } },
    ],
  },
  {
    text: 'Rewriting them.',
    toolCalls: [{ name: 'execute_bash', arguments: { command: EDIT_THREE, security_risk: 'LOW' } }],
  },
  { toolCalls: [{ name: 'finish', arguments: { message: 'Rewrote a.txt, b.txt and c.txt.' } }] },
];

describe('Review mode in real VS Code: changes wait for the user, conflicts are never overwritten', () => {
  let session: AgentVsCodeSession | undefined;

  beforeAll(async () => {
    session = await startAgentVsCode('review-mode', {
      script: SCRIPT,
      settings: { 'handoff.editMode': 'review' },
      files: { 'a.txt': 'local a\n', 'b.txt': 'local b\n', 'c.txt': 'local c\n' },
    });
  });

  afterAll(async () => {
    await session?.close();
    rmSync(gateDir, { recursive: true, force: true });
  });

  it('lists pending changes and a conflict; opens a diff, accepts one, rejects one, keeps the local edit', async () => {
    const { workbench, server } = session!;
    const local = (file: string) => readFile(path.join(server.workspace, file), 'utf8');
    const chat = await workbench.startTask('rewrite the three files');

    await chat.getByTestId('observation-output').filter({ hasText: 'local c' }).first().waitFor();
    // Uploaded; now the user edits c.txt before the agent's version of it arrives.
    await writeFile(path.join(server.workspace, 'c.txt'), 'my own c\n');
    await writeFile(GATE, '');

    const row = (file: string) => chat.locator(`[data-testid="change"][data-path="${file}"]`);
    await chat.getByText('Rewrote a.txt, b.txt and c.txt.').first().waitFor();
    await row('a.txt').and(chat.locator('[data-state="pending"]')).waitFor();
    await row('b.txt').and(chat.locator('[data-state="pending"]')).waitFor();
    await row('c.txt').and(chat.locator('[data-state="conflict"]')).waitFor();
    expect(await chat.getByTestId('changes').getAttribute('data-mode')).toBe('review');
    await row('c.txt').getByTestId('change-conflict').waitFor();
    await chat.getByTestId('changes').scrollIntoViewIfNeeded();
    await workbench.screenshot('changes-pending-and-conflict');
    // Nothing reached the disk yet.
    expect(await local('a.txt')).toBe('local a\n');
    expect(await local('b.txt')).toBe('local b\n');
    expect(await local('c.txt')).toBe('my own c\n');

    await row('a.txt').getByTestId('change-open').click();
    await workbench.editorTab('a.txt (local ↔ agent)').waitFor();
    const diff = workbench.page.locator('.part.editor .monaco-diff-editor');
    await diff.locator('.editor.original').getByText('local a').waitFor();
    await diff.locator('.editor.modified').getByText('agent a').waitFor();
    await workbench.screenshot('diff-editor-open');

    await row('a.txt').getByTestId('change-accept').click();
    await row('a.txt').and(chat.locator('[data-state="applied"]')).waitFor();
    await expect.poll(() => local('a.txt')).toBe('agent a\n');
    // The open diff follows: the local side now has the agent's text, and the agent's side keeps it.
    await diff.locator('.editor.original').getByText('agent a').waitFor();
    const modifiedText = async () =>
      (await diff.locator('.editor.modified .view-lines').innerText()).replace(/\s+/g, ' ');
    await expect.poll(modifiedText).toContain('agent a');

    await row('b.txt').getByTestId('change-reject').click();
    await row('b.txt').and(chat.locator('[data-state="rejected"]')).waitFor();
    await workbench.screenshot('accepted-and-rejected');
    expect(await local('b.txt')).toBe('local b\n');

    // The conflict still waits for the user; their edit is on disk, untouched.
    expect(await row('c.txt').getAttribute('data-state')).toBe('conflict');
    expect(await local('c.txt')).toBe('my own c\n');
    await row('c.txt').getByTestId('change-reject').click();
    await row('c.txt').and(chat.locator('[data-state="rejected"]')).waitFor();
    expect(await local('c.txt')).toBe('my own c\n');
    await workbench.screenshot('conflict-kept-mine');
  });
});
