import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EventsPageSchema, SESSION_API_KEY_HEADER, type SandboxInfo } from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
} from '../../agent-server/src/testing/scripted-llm-server';
import { runConversation, startSandbox } from './clients';
import { startRuntimeStack, type RuntimeStack } from './stack';

const PLANTED = 'planted-secret-value-7f3a9c21d4e8';
const GIVEN = 'given-secret-value-b61e04aa93f2';
const LLM_KEY = 'sk-secret-llm-key-for-the-masking-test';

/** Every file under `dir`, read as text. */
function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? everyFile(full) : [readFileSync(full, 'utf8')];
  });
}

describe('secrets through the real stack', () => {
  let stack: RuntimeStack;
  let sandbox: SandboxInfo;
  let llm: ScriptedLlmServer | undefined;

  beforeAll(async () => {
    stack = await startRuntimeStack();
    sandbox = await startSandbox(stack.runtime.url, stack.apiKey);
  });

  afterAll(async () => {
    await llm?.close();
    await stack.close();
  });

  it('never sends a planted or given secret to the model, the event log or the socket', async () => {
    const folder = path.join(stack.sandboxRoot, sandbox.id);
    writeFileSync(path.join(folder, 'workspace', 'config.env'), `TOKEN=${PLANTED}\n`);
    llm = await startScriptedLlmServer([
      {
        toolCalls: [{ name: 'execute_bash', arguments: { command: 'cat config.env', security_risk: 'LOW' } }],
      },
      {
        toolCalls: [
          {
            name: 'execute_bash',
            arguments: { command: 'echo "token is $DEPLOY_TOKEN"', security_risk: 'LOW' },
          },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: { message: 'Read the config.' } }] },
    ]);
    const { conversation, stream } = await runConversation(sandbox, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.url },
      secrets: { DEPLOY_TOKEN: GIVEN, CONFIG_TOKEN: PLANTED },
      initialMessage: 'show me the config',
    });

    // The commands really ran and really saw the values: their output was masked, not empty.
    const outputs = stream.events.flatMap((e) =>
      e.type === 'observation' && e.observation.type === 'run_command' ? [e.observation.output] : [],
    );
    expect(outputs[0]).toMatch(/^TOKEN=<secret-hidden>/);
    expect(outputs[1]).toMatch(/^token is <secret-hidden>/);

    const sent = JSON.stringify(llm.requests.map((r) => r.body));
    const streamed = JSON.stringify(stream.frames);
    const page = await fetch(
      `${sandbox.agentServerUrl}/api/conversations/${conversation.id}/events?limit=1000`,
      {
        headers: { [SESSION_API_KEY_HEADER]: sandbox.sessionApiKey },
      },
    );
    const stored = JSON.stringify(EventsPageSchema.parse(await page.json()));
    const onDisk = everyFile(path.join(folder, 'state')).join('\n');
    for (const secret of [PLANTED, GIVEN, LLM_KEY]) {
      expect(sent).not.toContain(secret);
      expect(streamed).not.toContain(secret);
      expect(stored).not.toContain(secret);
      expect(onDisk).not.toContain(secret);
    }
    expect(llm.requests).toHaveLength(3);
  });
});
