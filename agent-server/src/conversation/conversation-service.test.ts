import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Event, LlmConfig, LlmUsage } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunContext, AgentRunner } from '../agent/agent-context';
import { emitState } from '../agent/agent-context';
import type { LlmClient } from '../llm/llm-client';
import { silentLogger } from '../logger';
import { FakeSandboxClient, fakeRunCommandObservation, hangingHandler } from '../testing/fake-sandbox-client';
import type { ScriptedLlmStep } from '../testing/scripted-llm-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { RESTART_REASON } from './conversation';
import type { ConversationServiceOptions } from './conversation-service';
import { ConversationService } from './conversation-service';
import { KEY_LOST_MESSAGE } from './lost-key-llm-client';

const SESSION_KEY = 'conversation-service-session-key';
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

async function open(
  steps: ScriptedLlmStep[] = [],
  sandbox = new FakeSandboxClient(),
  extra: Partial<ConversationServiceOptions> = {},
) {
  const llms: ScriptedLlmClient[] = [];
  const configs: LlmConfig[] = [];
  const service = await ConversationService.open({
    stateDir: dir,
    workspace: '/workspace',
    sessionApiKey: SESSION_KEY,
    sandbox,
    llmClientFactory: (config): LlmClient => {
      configs.push(config);
      const llm = new ScriptedLlmClient(steps);
      llms.push(llm);
      return llm;
    },
    logger: silentLogger,
    ...extra,
  });
  services.push(service);
  return { service, llms, configs };
}

/** Waits until `check` holds, yielding to the event loop between looks. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

const KEYED = { llm: { model: 'openai/gpt-4o', apiKey: 'sk-secret-key-abcdef123456' } };
const kinds = (events: readonly Event[]) =>
  events
    .filter((e) => e.type !== 'llm_usage')
    .map((e) => (e.type === 'agent_state_changed' ? `state:${e.state}` : `${e.source}:${e.type}`));
const allEvents = (service: ConversationService, id: string) =>
  service.readEvents(id, { afterSeq: 0, limit: 1000 }).items;
const usage = (costUsd: number): LlmUsage => ({
  inputTokens: 10,
  outputTokens: 5,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd,
  latencyMs: 3,
});

describe('ConversationService', () => {
  it('seals the key and the secrets, keeps the state folder free of them, and routes the model', async () => {
    const { service, configs } = await open([{ text: 'hi' }]);
    const info = await service.create({
      ...KEYED,
      secrets: { GH_TOKEN: 'ghp-plain-secret-value' },
      initialMessage: 'hello',
    });
    await service.idle();
    expect(configs).toEqual([KEYED.llm]);
    const folder = path.join(dir, 'conversations', info.id);
    for (const file of await readdir(folder)) {
      const text = await readFile(path.join(folder, file), 'utf8');
      expect(text).not.toContain('sk-secret');
      expect(text).not.toContain('ghp-plain');
    }
    expect(service.get(info.id)).toMatchObject({
      state: 'awaiting_user_input',
      title: 'hello',
      iterations: 1,
    });
  });

  it('after a restart with the same key continues with the decrypted key and secrets', async () => {
    const seen: Record<string, string>[] = [];
    const first = await open([{ text: 'hi' }]);
    const info = await first.service.create({
      ...KEYED,
      secrets: { TOKEN: 'tok-123456' },
      initialMessage: 'hello',
    });
    await first.service.idle();
    await first.service.close();
    const second = await open([{ text: 'again' }], new FakeSandboxClient(), {
      runAgent: (ctx) => {
        seen.push((ctx as AgentRunContext & { secrets: Record<string, string> }).secrets);
        return Promise.resolve({ finalState: 'idle', resumeAfterSeq: Number.POSITIVE_INFINITY });
      },
    });
    expect(second.service.get(info.id)).toEqual(first.service.get(info.id));
    expect(second.configs).toEqual([KEYED.llm]);
    await second.service.sendMessage(info.id, 'again');
    await second.service.idle();
    expect(seen).toEqual([{ TOKEN: 'tok-123456' }]);
  });

  it('after a restart with another key loads the history and says the key is lost', async () => {
    const first = await open([{ text: 'hi' }]);
    const info = await first.service.create({ ...KEYED, initialMessage: 'hello' });
    await first.service.idle();
    await first.service.close();
    const second = await open([], new FakeSandboxClient(), { sessionApiKey: 'another-session-key-0000' });
    expect(allEvents(second.service, info.id)).toHaveLength(allEvents(first.service, info.id).length);
    await second.service.sendMessage(info.id, 'again');
    await second.service.idle();
    const error = allEvents(second.service, info.id).find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error).toEqual({ code: 'llm_error', message: KEY_LOST_MESSAGE });
    expect(second.configs).toEqual([]);
  });

  it('closes a run the previous process left open, and POST run resumes it', async () => {
    const { service } = await open(
      [{ toolCalls: [{ name: 'execute_bash', arguments: { command: 'sleep 100' } }] }],
      new FakeSandboxClient(hangingHandler),
    );
    const info = await service.create({
      llm: { model: 'openai-compatible/llama', baseUrl: 'http://127.0.0.1:9/v1' },
      initialMessage: 'wait',
    });
    await until(() => allEvents(service, info.id).some((e) => e.type === 'action'));
    // Simulate a crash: keep the log as it is now, with the run still open.
    const file = path.join(dir, 'conversations', info.id, 'events.jsonl');
    const snapshot = await readFile(file, 'utf8');
    await service.close();
    await writeFile(file, snapshot);
    const reopened = await open([{ text: 'done now' }]);
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
    reopened.service.run(info.id);
    expect(() => reopened.service.run(info.id)).toThrow(
      expect.objectContaining({ code: 'conversation_busy' }),
    );
    await reopened.service.idle();
    expect(reopened.service.get(info.id).state).toBe('awaiting_user_input');
    const after = allEvents(reopened.service, info.id);
    expect(after.slice(0, events.length)).toEqual(events);
    expect(kinds(after.slice(events.length))).toEqual([
      'state:running',
      'agent:message',
      'state:awaiting_user_input',
    ]);
    expect(after.map((e) => e.seq)).toEqual(Array.from({ length: after.length }, (_, i) => i + 1));
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
    await until(() => allEvents(service, info.id).some((e) => e.type === 'action'));
    await service.sendMessage(info.id, 'second');
    release();
    await service.idle();
    const prompt = llms[0]?.requests[1]?.messages ?? [];
    expect(prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(service.get(info.id).state).toBe('awaiting_user_input');
  });

  it('pauses (aborting the LLM call), and a later message resumes', async () => {
    const { service, llms } = await open([{ waitForAbort: true }, { text: 'resumed' }]);
    const info = await service.create({ ...KEYED, initialMessage: 'go' });
    // Pause while the model call is in flight (not between "running" and the call), so the pause
    // aborts that call and the next run gets the next scripted answer.
    await until(() => service.get(info.id).state === 'running' && (llms[0]?.requests.length ?? 0) === 1);
    const paused = await service.pause(info.id);
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

  it('appends a confirmation naming the waiting actions and runs again; refuses one when nothing waits', async () => {
    const contexts: AgentRunContext[] = [];
    const confirmingRunner: AgentRunner = async (ctx) => {
      contexts.push(ctx);
      const events = ctx.events.all();
      if (!events.some((e) => e.type === 'action')) {
        await ctx.events.append({
          type: 'action',
          source: 'agent',
          actionId: 'a1',
          toolName: 'execute_bash',
          toolCallId: 'call_1',
          action: { type: 'run_command', command: 'rm -rf build' },
        } as never);
        const state = await emitState(ctx.events, 'awaiting_confirmation');
        return { finalState: 'awaiting_confirmation', resumeAfterSeq: state.seq };
      }
      const state = await emitState(ctx.events, 'finished');
      return { finalState: 'finished', resumeAfterSeq: state.seq };
    };
    const { service } = await open([], new FakeSandboxClient(), { runAgent: confirmingRunner });
    const info = await service.create({
      ...KEYED,
      confirmationPolicy: { type: 'always' },
      initialMessage: 'clean',
    });
    await expect(service.confirm(info.id, { accept: true })).rejects.toMatchObject({
      code: 'no_pending_confirmation',
    });
    await until(() => service.get(info.id).state === 'awaiting_confirmation');
    expect(() => service.run(info.id)).toThrow(expect.objectContaining({ code: 'conversation_busy' }));
    await service.confirm(info.id, { accept: false, reason: 'not that folder' });
    await service.idle();
    const confirmation = allEvents(service, info.id).find((e) => e.type === 'confirmation');
    expect(confirmation).toMatchObject({
      source: 'user',
      accept: false,
      reason: 'not that folder',
      actionIds: ['a1'],
    });
    expect(service.get(info.id).state).toBe('finished');
    expect(contexts).toHaveLength(2);
  });

  it('keeps the confirmation policy on disk and hands the run its context', async () => {
    let ctx: (AgentRunContext & Record<string, unknown>) | undefined;
    const runner: AgentRunner = (context) => {
      ctx = context as AgentRunContext & Record<string, unknown>;
      return Promise.resolve({ finalState: 'idle', resumeAfterSeq: Number.POSITIVE_INFINITY });
    };
    const { service } = await open([], new FakeSandboxClient(), { runAgent: runner });
    const info = await service.create({
      ...KEYED,
      maxBudgetUsd: 2,
      title: 'Fix the build',
      workspace: { repository: 'o/r', branch: 'main' },
      initialMessage: 'go',
    });
    await service.idle();
    const updated = await service.setConfirmationPolicy(info.id, { type: 'risky', threshold: 'HIGH' });
    expect(updated.confirmationPolicy).toEqual({ type: 'risky', threshold: 'HIGH' });
    expect((ctx?.['getConfirmationPolicy'] as () => unknown)()).toEqual({ type: 'risky', threshold: 'HIGH' });
    expect(ctx).toMatchObject({
      maxBudgetUsd: 2,
      workspace: '/workspace',
      llmConfig: { model: 'openai/gpt-4o' },
    });
    expect(ctx?.systemPrompt).toContain('The repository is o/r. The branch checked out is main.');
    expect(JSON.stringify(ctx?.['llmConfig'])).not.toContain('sk-secret');
    await service.close();
    const reopened = await open();
    expect(reopened.service.get(info.id)).toMatchObject({
      title: 'Fix the build',
      confirmationPolicy: { type: 'risky', threshold: 'HIGH' },
      maxBudgetUsd: 2,
    });
  });

  it('sums usage from llm_usage events and counts steps', async () => {
    const runner: AgentRunner = async (ctx) => {
      for (const [index, cost] of [0.01, 0.02].entries()) {
        await ctx.events.append({
          type: 'llm_usage',
          source: 'environment',
          model: 'openai/gpt-4o',
          purpose: 'step',
          call: usage(cost),
          total: usage(index === 0 ? 0.01 : 0.03),
        } as never);
      }
      const state = await emitState(ctx.events, 'finished');
      return { finalState: 'finished', resumeAfterSeq: state.seq };
    };
    const { service } = await open([], new FakeSandboxClient(), { runAgent: runner });
    const info = await service.create({ ...KEYED, initialMessage: 'x'.repeat(200) });
    await service.idle();
    const got = service.get(info.id);
    expect(got).toMatchObject({ iterations: 2, usage: usage(0.03), maxIterations: 100 });
    expect(got.title?.length).toBeLessThanOrEqual(80);
  });

  it('lists newest first in pages, filtered by state', async () => {
    const { service } = await open([{ text: 'a' }, { text: 'b' }]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await service.create({ ...KEYED })).id);
    await service.sendMessage(ids[1] ?? '', 'hi');
    await service.idle();
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = service.list({ limit: 2, ...(pageToken === undefined ? {} : { pageToken }) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
    const all = service.list({ limit: 100 }).items;
    expect(all.map((i) => i.createdAt)).toEqual([...all.map((i) => i.createdAt)].sort().reverse());
    expect(service.list({ limit: 10, state: 'awaiting_user_input' }).items.map((i) => i.id)).toEqual([
      ids[1],
    ]);
    expect(() => service.list({ limit: 2, pageToken: 'garbage' })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('deletes a running conversation: aborts it, ends its subscribers and removes its folder', async () => {
    const { service } = await open([{ waitForAbort: true }]);
    const info = await service.create({ ...KEYED, initialMessage: 'go' });
    const ends: number[] = [];
    service.subscribe(info.id, { event: () => undefined, end: (end) => ends.push(end.code) });
    await until(() => service.get(info.id).state === 'running');
    await service.delete(info.id);
    expect(ends).toEqual([4410]);
    expect(() => service.get(info.id)).toThrow(expect.objectContaining({ code: 'conversation_not_found' }));
    expect(await readdir(path.join(dir, 'conversations'))).toEqual([]);
    const reopened = await open();
    expect(reopened.service.list().items).toEqual([]);
  });
});
