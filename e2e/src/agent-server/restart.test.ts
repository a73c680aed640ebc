import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSocketClient } from '../../../agent-server/src/testing/event-socket-client';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
} from '../../../agent-server/src/testing/scripted-llm-server';
import {
  allEvents,
  api,
  createConversation,
  infoOf,
  reached,
  SESSION_KEY,
  startAgentStack,
  type AgentStack,
} from './harness';

const LLM_KEY = 'sk-e2e-restart-llm-key-0123456789';

describe('agent server restart: SIGKILL mid-task, restart, resume, nothing lost', () => {
  let stack: AgentStack;
  let llm: ScriptedLlmServer;

  beforeAll(async () => {
    stack = await startAgentStack();
    llm = await startScriptedLlmServer([
      {
        text: 'Sleeping.',
        toolCalls: [{ name: 'execute_bash', arguments: { command: 'sleep 30', security_risk: 'LOW' } }],
      },
      { toolCalls: [{ name: 'finish', arguments: { message: 'Done after the restart.' } }] },
    ]);
  });

  afterAll(async () => {
    await llm.close();
    await stack.close();
  });

  it('keeps the full history with the same seqs, marks the run interrupted, and POST /run completes it', async () => {
    const info = await createConversation(stack.agent, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.url },
      initialMessage: 'sleep for a while',
      secrets: { DEPLOY_TOKEN: 'deploy-token-e2e-value' },
    });
    const socket = new EventSocketClient(stack.agent.url, info.id, { key: SESSION_KEY });
    await socket.until((c) => c.events().some((e) => e.type === 'action'));
    const before = await allEvents(stack.agent, info.id);
    expect((await infoOf(stack.agent, info.id)).state).toBe('running');

    stack.agent.process.kill('SIGKILL');
    expect((await socket.closed).code).toBe(1006);
    await stack.agent.stop();
    const agent = await stack.restartAgent();

    const reloaded = await allEvents(agent, info.id);
    expect(reloaded.slice(0, before.length)).toEqual(before);
    const added = reloaded.slice(before.length);
    expect(added.map((e) => (e.type === 'agent_state_changed' ? `state:${e.state}` : e.type))).toEqual([
      'observation',
      'state:paused',
    ]);
    expect((await infoOf(agent, info.id)).state).toBe('paused');

    // The socket dropped mid-stream resumes on the new process from the last seq it saw.
    const resumed = new EventSocketClient(agent.url, info.id, { key: SESSION_KEY, afterSeq: socket.lastSeq });
    const run = await api(agent, `/${info.id}/run`, 'POST');
    expect(run.status).toBe(202);
    await resumed.until((c) => reached(c.events(), 'finished'));
    await resumed.disconnect();

    const final = await allEvents(agent, info.id);
    expect(final.map((e) => e.seq)).toEqual(final.map((_, i) => i + 1));
    expect([...socket.events(), ...resumed.events()]).toEqual(final);
    expect(
      final.some((e) => e.type === 'message' && e.source === 'agent' && e.text === 'Done after the restart.'),
    ).toBe(true);
    // The sealed key was opened after the restart: the model was called with it.
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1]?.headers['authorization']).toBe(`Bearer ${LLM_KEY}`);
    // Neither the key nor the secret is readable in the state folder.
    const folder = path.join(stack.stateDir, 'conversations', info.id);
    for (const file of await readdir(folder)) {
      const text = await readFile(path.join(folder, file), 'utf8');
      expect(text).not.toContain(LLM_KEY);
      expect(text).not.toContain('deploy-token-e2e-value');
    }
    expect(stack.agent.stderr()).not.toContain(LLM_KEY);
  });
});
