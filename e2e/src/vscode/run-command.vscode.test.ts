import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
} from '../../../agent-server/src/testing/scripted-llm-server';
import { runThenFinish } from '../scripts';
import { startRuntimeStack, type RuntimeStack } from '../stack';
import { startVsCode, type VsCodeSession } from './session';

const LLM_KEY = 'sk-vscode-e2e-llm-key-0123456789';

describe('Handoff in real VS Code against runtime-api and a scripted LLM', () => {
  let stack: RuntimeStack | undefined;
  let llm: ScriptedLlmServer | undefined;
  let vscode: VsCodeSession | undefined;

  beforeAll(async () => {
    stack = await startRuntimeStack();
    llm = await startScriptedLlmServer(runThenFinish('echo hello', 'The command printed hello.'));
    vscode = await startVsCode('run-command', {
      files: { 'README.md': '# A workspace for the agent\n' },
      settings: {
        'handoff.runtimeApiUrl': stack.runtime.url,
        'handoff.model': 'openai-compatible/gpt-4o',
        'handoff.llmBaseUrl': llm.url,
      },
    });
  });

  afterAll(async () => {
    await vscode?.close();
    await llm?.close();
    await stack?.close();
  });

  it('sends "run echo hello" from the chat and shows the command and its output', async () => {
    const { workbench } = vscode!;
    await workbench.trustWorkspace();
    await workbench.setSecret('Handoff: Set Runtime API Key', stack!.apiKey);
    await workbench.waitForNotification('Runtime API key saved');
    await workbench.setSecret('Handoff: Set LLM API Key', LLM_KEY);
    await workbench.waitForNotification('LLM API key saved');
    await workbench.openHandoffView();
    await workbench.screenshot('keys-set');

    const chat = await workbench.chatFrame();
    const composer = chat.getByTestId('composer-input');
    await composer.click();
    await workbench.page.keyboard.type('run echo hello');
    await workbench.screenshot('task-typed');
    await chat.getByRole('button', { name: 'Start' }).click();

    const command = chat.getByTestId('action-command').filter({ hasText: 'echo hello' });
    await command.first().waitFor({ timeout: 120_000 });
    const output = chat.getByTestId('observation-output').filter({ hasText: 'hello' });
    await output.first().waitFor({ timeout: 60_000 });
    await chat.getByTestId('command-status').filter({ hasText: 'exit 0' }).first().waitFor();
    await chat.getByTestId('event-message').filter({ hasText: 'run echo hello' }).first().waitFor();
    await workbench.screenshot('command-ran');

    await chat.getByText('The command printed hello.').first().waitFor({ timeout: 60_000 });
    await workbench.screenshot('finished');
    expect(llm!.requests.length).toBeGreaterThanOrEqual(2);
    expect(llm!.requests[0]?.headers['authorization']).toBe(`Bearer ${LLM_KEY}`);
  });
});
