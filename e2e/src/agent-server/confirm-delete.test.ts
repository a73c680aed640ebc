import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SocketCloseCode } from '@handoff/protocol';
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

describe('confirmation mode and delete through the real agent loop, sandbox and API', () => {
  let stack: AgentStack;
  let llm: ScriptedLlmServer;

  beforeAll(async () => {
    stack = await startAgentStack();
    llm = await startScriptedLlmServer([
      // The accepted conversation: the command runs, then the agent finishes.
      {
        toolCalls: [
          {
            name: 'execute_bash',
            arguments: { command: 'echo accepted > accepted.txt', security_risk: 'HIGH' },
          },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: { message: 'Wrote the file.' } }] },
      // The rejected conversation: the command never runs.
      {
        toolCalls: [
          {
            name: 'execute_bash',
            arguments: { command: 'echo rejected > rejected.txt', security_risk: 'HIGH' },
          },
        ],
      },
      // The deleted conversation: a command that would run for a long time.
      { toolCalls: [{ name: 'execute_bash', arguments: { command: 'sleep 30', security_risk: 'LOW' } }] },
    ]);
  });

  afterAll(async () => {
    await llm.close();
    await stack.close();
  });

  const create = (initialMessage: string) =>
    createConversation(stack.agent, {
      llm: { model: 'openai/gpt-4o', apiKey: 'sk-e2e-confirm-key-0123456789', baseUrl: llm.url },
      confirmationPolicy: { type: 'risky', threshold: 'HIGH' },
      initialMessage,
    });

  async function awaitingConfirmation(id: string): Promise<EventSocketClient> {
    const socket = new EventSocketClient(stack.agent.url, id, { key: SESSION_KEY });
    await socket.until((c) => reached(c.events(), 'awaiting_confirmation'));
    return socket;
  }

  it('runs an accepted action and finishes', async () => {
    const info = await create('write accepted.txt');
    const socket = await awaitingConfirmation(info.id);
    expect(existsSync(path.join(stack.workspace, 'accepted.txt'))).toBe(false);
    const accepted = await api(stack.agent, `/${info.id}/confirm`, 'POST', { accept: true });
    expect(accepted.status).toBe(202);
    await socket.until((c) => reached(c.events(), 'finished'));
    await socket.disconnect();
    expect(await readFile(path.join(stack.workspace, 'accepted.txt'), 'utf8')).toBe('accepted\n');
    const again = await api(stack.agent, `/${info.id}/confirm`, 'POST', { accept: true });
    expect(again.status).toBe(409);
  });

  it('rejects an action with a reason the model reads, over the socket frame', async () => {
    const info = await create('write rejected.txt');
    const socket = await awaitingConfirmation(info.id);
    socket.send({ type: 'confirm', accept: false, reason: 'Do not write files there.' });
    await socket.until((c) =>
      c.events().some((e) => e.type === 'observation' && e.observation.type === 'user_rejected'),
    );
    await socket.disconnect();
    expect(existsSync(path.join(stack.workspace, 'rejected.txt'))).toBe(false);
    const events = await allEvents(stack.agent, info.id);
    expect(events.find((e) => e.type === 'confirmation')).toMatchObject({
      accept: false,
      reason: 'Do not write files there.',
    });
    expect(JSON.stringify(events.find((e) => e.type === 'observation'))).toContain(
      'Do not write files there.',
    );
  });

  it('deletes a running conversation: sockets close with 4410, the state folder is gone', async () => {
    const info = await createConversation(stack.agent, {
      llm: { model: 'openai/gpt-4o', apiKey: 'sk-e2e-confirm-key-0123456789', baseUrl: llm.url },
      initialMessage: 'sleep',
    });
    const socket = new EventSocketClient(stack.agent.url, info.id, { key: SESSION_KEY });
    await socket.until((c) => c.events().some((e) => e.type === 'action'));
    expect((await infoOf(stack.agent, info.id)).state).toBe('running');
    const deleted = await api(stack.agent, `/${info.id}`, 'DELETE');
    expect(deleted.status).toBe(204);
    expect((await socket.closed).code).toBe(SocketCloseCode.CONVERSATION_DELETED);
    expect((await api(stack.agent, `/${info.id}`)).status).toBe(404);
    expect(existsSync(path.join(stack.stateDir, 'conversations', info.id))).toBe(false);
  });
});
