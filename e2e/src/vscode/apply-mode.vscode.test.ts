import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentVsCode, type AgentVsCodeSession } from './session';

const CREATE_AND_EDIT =
  "mkdir -p src && printf 'made by agent\\n' > src/created.txt && printf 'edited by agent\\n' >> notes.txt";

/** Reads the agent's turns: prove the upload with `cat`, create one file and edit another, finish. */
const SCRIPT = [
  {
    text: 'Reading the notes first.',
    toolCalls: [{ name: 'execute_bash', arguments: { command: 'cat notes.txt', security_risk: 'LOW' } }],
  },
  {
    text: 'Now the edits.',
    toolCalls: [{ name: 'execute_bash', arguments: { command: CREATE_AND_EDIT, security_risk: 'LOW' } }],
  },
  {
    toolCalls: [{ name: 'finish', arguments: { message: 'Created src/created.txt and edited notes.txt.' } }],
  },
];

describe('Apply mode in real VS Code: the agent edits reach the local workspace as they happen', () => {
  let session: AgentVsCodeSession | undefined;

  beforeAll(async () => {
    session = await startAgentVsCode('apply-mode', {
      script: SCRIPT,
      files: { 'notes.txt': 'uploaded notes\n' },
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('uploads the workspace, and writes the created and the edited file to the local folder', async () => {
    const { workbench, server } = session!;
    const local = (file: string) =>
      readFile(path.join(server.workspace, file), 'utf8').catch(() => undefined);
    const chat = await workbench.startTask('create a file and edit the notes');

    // The sandbox has the uploaded file: the agent's `cat` prints what the test put in the folder.
    await chat.getByTestId('observation-output').filter({ hasText: 'uploaded notes' }).first().waitFor();
    await workbench.screenshot('uploaded-file-read');

    await chat.getByText('Created src/created.txt and edited notes.txt.').first().waitFor();
    const changes = chat.getByTestId('changes');
    await expect.poll(() => changes.getAttribute('data-mode')).toBe('apply');
    const created = chat.locator('[data-testid="change"][data-path="src/created.txt"]');
    const edited = chat.locator('[data-testid="change"][data-path="notes.txt"]');
    await created.and(chat.locator('[data-state="applied"]')).waitFor();
    await edited.and(chat.locator('[data-state="applied"]')).waitFor();
    expect(await created.getAttribute('data-kind')).toBe('created');
    expect(await edited.getAttribute('data-kind')).toBe('modified');
    await changes.scrollIntoViewIfNeeded();
    // The Changes tree of the Handoff container lists both as well.
    const tree = workbench.viewRows('Changes');
    await tree.filter({ hasText: 'created.txt' }).filter({ hasText: 'applied' }).waitFor();
    await tree.filter({ hasText: 'notes.txt' }).filter({ hasText: 'applied' }).waitFor();
    await workbench.screenshot('changes-applied');

    await expect.poll(() => local('src/created.txt')).toBe('made by agent\n');
    await expect.poll(() => local('notes.txt')).toBe('uploaded notes\nedited by agent\n');
    // Nothing waits for a decision in apply mode.
    expect(await chat.getByTestId('accept-all').count()).toBe(0);
  });
});
