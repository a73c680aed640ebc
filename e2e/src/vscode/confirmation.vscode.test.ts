import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentVsCode, type AgentVsCodeSession } from './session';

const REASON = 'keep the notes, they are mine';

/** One command to approve, one to reject with a reason; after the user's next message, finish. */
const SCRIPT = [
  {
    text: 'First a harmless command.',
    toolCalls: [{ name: 'execute_bash', arguments: { command: 'echo approved-run', security_risk: 'LOW' } }],
  },
  {
    text: 'Now removing the notes.',
    toolCalls: [{ name: 'execute_bash', arguments: { command: 'rm notes.txt', security_risk: 'HIGH' } }],
  },
  { toolCalls: [{ name: 'finish', arguments: { message: 'Left the notes alone.' } }] },
];

describe('Confirmation mode in real VS Code: every action waits for Approve or Reject', () => {
  let session: AgentVsCodeSession | undefined;

  beforeAll(async () => {
    session = await startAgentVsCode('confirmation', {
      script: SCRIPT,
      settings: { 'handoff.confirmationPolicy': 'always' },
      files: { 'notes.txt': 'my notes\n' },
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('runs an approved command, and tells the agent why another was rejected', async () => {
    const { workbench, server, llm } = session!;
    const chat = await workbench.startTask('tidy up the workspace');
    const bar = chat.getByTestId('confirmation-bar');
    const approved = chat.getByTestId('observation-output').filter({ hasText: 'approved-run' });

    await bar.waitFor();
    await chat.getByTestId('action-command').filter({ hasText: 'echo approved-run' }).first().waitFor();
    // Waiting for the answer: the command has not run.
    expect(await approved.count()).toBe(0);
    await workbench.screenshot('confirmation-asked');

    await bar.getByTestId('approve').click();
    await approved.first().waitFor();
    await chat.getByTestId('command-status').filter({ hasText: 'exit 0' }).first().waitFor();
    await workbench.screenshot('approved-command-ran');

    await chat.getByTestId('action-command').filter({ hasText: 'rm notes.txt' }).first().waitFor();
    await bar.waitFor();
    await bar.getByTestId('reject').click();
    const reason = bar.getByTestId('confirm-reason');
    await reason.waitFor();
    await reason.locator('input').fill(REASON);
    await workbench.screenshot('rejection-reason-typed');
    await bar.getByTestId('reject').click();

    await chat.getByTestId('observation-user-rejected').filter({ hasText: REASON }).waitFor();
    await bar.waitFor({ state: 'detached' });
    await workbench.screenshot('rejected-with-reason');
    expect(existsSync(path.join(server.workspace, 'notes.txt'))).toBe(true);

    // The agent waits for the user; the next message lets it finish, and the model read the reason.
    await chat.getByTestId('composer-input').click();
    await workbench.page.keyboard.type('fine, stop here');
    await chat.getByTestId('send').click();
    await chat.getByText('Left the notes alone.').first().waitFor();
    await workbench.screenshot('finished');
    expect(JSON.stringify(llm.requests.at(-1)?.body)).toContain(REASON);
  });
});
