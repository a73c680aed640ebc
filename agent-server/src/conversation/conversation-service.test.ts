import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Event } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import type { LlmClient } from '../llm/llm-client';
import type { LlmRoute } from '../llm/llm-route';
import { FakeSandboxClient, fakeRunCommandObservation, hangingHandler } from '../testing/fake-sandbox-client';
import type { ScriptedLlmStep } from '../testing/scripted-llm-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { RESTART_REASON } from './conversation';
import { ConversationService } from './conversation-service';

let dir: string;
let services: ConversationService[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'conversations-'));
  services = [];
});
afterEach(async () => {
  await Promise.all(services.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function open(steps: ScriptedLlmStep[] = [], sandbox = new FakeSandboxClient()) {
  const llms: ScriptedLlmClient[] = [];
  const routes: LlmRoute[] = [];
  const service = await ConversationService.open({
    stateDir: dir,
    workspace: '/workspace',
    sandbox,
    llmClientFactory: (route): LlmClient => {
      routes.push(route);
      const llm = new ScriptedLlmClient(steps);
      llms.push(llm);
      return llm;
    },
    logger: silentLogger,
  });
  services.push(service);
  return { service, llms, routes };
}

const KEYED = { llm: { model: 'openai/gpt-4o', apiKey: 'sk-secret-key-abcdef123456' } };
const kinds = (events: readonly Event[]) =>
  events.map((e) => (e.type === 'agent_state_changed' ? `state:${e.state}` : `${e.source}:${e.type}`));
const allEvents = (service: ConversationService, id: string) =>
  service.readEvents(id, { afterSeq: 0, limit: 1000 }).items;

describe('ConversationService', () => {
  it('routes the model and keeps the key out of the state folder', async () => {
    const { service, routes } = await open([{ text: 'hi' }]);
    const info = await service.create({ ...KEYED, initialMessage: 'hello' });
    await service.idle();
    expect(routes).toEqual([
      { provider: 'openai', model: 'gpt-4o', baseUrl: undefined, apiKey: 'sk-secret-key-abcdef123456' },
    ]);
    const folder = path.join(dir, 'conversations', info.id);
    for (const file of await readdir(folder))
      expect(await readFile(path.join(folder, file), 'utf8')).not.toContain('sk-secret');
    expect(service.get(info.id).state).toBe('awaiting_user_input');
  });

  it('reloads conversations from disk, and says the key is gone when one was given', async () => {
    const first = await open([{ text: 'hi' }]);
    const info = await first.service.create({ ...KEYED, initialMessage: 'hello' });
    await first.service.idle();
    await first.service.close();
    const second = await open();
    expect(second.service.get(info.id)).toEqual(first.service.get(info.id));
    await second.service.sendMessage(info.id, 'again');
    await second.service.idle();
    const events = allEvents(second.service, info.id);
    const error = events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error).toMatchObject({
      code: 'llm_error',
      message: expect.stringContaining('lost when the agent server restarted') as unknown,
    });
    expect(second.service.get(info.id).state).toBe('error');
  });

  it('closes a run the previous process left open', async () => {
    const { service } = await open(
      [{ toolCalls: [{ name: 'execute_bash', arguments: { command: 'sleep 100' } }] }],
      new FakeSandboxClient(hangingHandler),
    );
    const info = await service.create({
      llm: { model: 'openai-compatible/llama', baseUrl: 'http://127.0.0.1:9/v1' },
      initialMessage: 'wait',
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Simulate a crash: keep the log as it is now, with the run still open.
    const file = path.join(dir, 'conversations', info.id, 'events.jsonl');
    const snapshot = await readFile(file, 'utf8');
    await service.close();
    await writeFile(file, snapshot);
    const reopened = await open();
    const events = allEvents(reopened.service, info.id);
    expect(kinds(events)).toEqual([
      'user:message',
      'state:running',
      'agent:action',
      'environment:observation',
      'state:paused',
    ]);
    const last = events[events.length - 1];
    expect(last?.type === 'agent_state_changed' && last.reason).toBe(RESTART_REASON);
  });

  it('picks up a message sent while the agent runs at its next step', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sandbox = new FakeSandboxClient(async (action) => {
      await gate;
      return fakeRunCommandObservation(action);
    });
    const { service, llms } = await open(
      [{ toolCalls: [{ name: 'execute_bash', arguments: { command: 'true' } }] }, { text: 'Saw both.' }],
      sandbox,
    );
    const info = await service.create({ ...KEYED, initialMessage: 'first' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await service.sendMessage(info.id, 'second');
    release();
    await service.idle();
    const prompt = llms[0]?.requests[1]?.messages ?? [];
    expect(prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(service.get(info.id).state).toBe('awaiting_user_input');
  });

  it('starts another run for a message the finished run never saw', async () => {
    const { service, llms } = await open([{ text: 'one' }, { text: 'two' }]);
    const info = await service.create({ ...KEYED });
    await Promise.all([service.sendMessage(info.id, 'a'), service.sendMessage(info.id, 'b')]);
    await service.idle();
    const events = allEvents(service, info.id);
    const agentReplies = events.filter((e) => e.type === 'message' && e.source === 'agent');
    expect(agentReplies.length).toBeGreaterThanOrEqual(1);
    const lastPrompt = llms[0]?.requests.at(-1)?.messages ?? [];
    expect(lastPrompt.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['a', 'b']);
  });

  it('pauses on interrupt, and a later message resumes', async () => {
    const { service } = await open([{ waitForAbort: true }, { text: 'resumed' }]);
    const info = await service.create({ ...KEYED, initialMessage: 'go' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const paused = await service.interrupt(info.id);
    expect(paused.state).toBe('paused');
    await service.sendMessage(info.id, 'continue');
    await service.idle();
    expect(kinds(allEvents(service, info.id))).toEqual([
      'user:message',
      'state:running',
      'state:paused',
      'user:message',
      'state:running',
      'agent:message',
      'state:awaiting_user_input',
    ]);
  });
});
