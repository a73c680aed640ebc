import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SocketCloseCode } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunner } from '../agent/agent-context';
import { emitState } from '../agent/agent-context';
import type { RunningAgentServer, StartAgentServerOptions } from '../agent-server';
import { startAgentServer } from '../agent-server';
import { silentLogger } from '../logger';
import { EventSocketClient } from '../testing/event-socket-client';
import { FakeSandboxClient } from '../testing/fake-sandbox-client';
import { floodMessage, floodRunner } from '../testing/flood-runner';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import type { SessionEnd } from './event-socket';
import { inProcessConfig } from '../testing/in-process-config';

const KEY = 'socket-flow-session-key-1234';
let dir: string;
let server: RunningAgentServer;
let ends: SessionEnd[];

async function start(extra: Partial<StartAgentServerOptions> = {}): Promise<void> {
  server = await startAgentServer({
    config: inProcessConfig(KEY, dir),
    logger: silentLogger,
    llmClientFactory: () => new ScriptedLlmClient([]),
    sandbox: new FakeSandboxClient(),
    onSocketEnd: (end) => ends.push(end),
    ...extra,
  });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'event-socket-flow-'));
  ends = [];
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const create = async () =>
  (await server.service.create({ llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-1234567890' } })).id;
const connect = (id: string, afterSeq?: number) =>
  new EventSocketClient(server.url, id, { key: KEY, ...(afterSeq === undefined ? {} : { afterSeq }) });
const lastEventSeq = (client: EventSocketClient) => client.lastSeq;

/** Waits until the server has reported the end of `count` sockets. */
async function socketsEnded(count: number): Promise<void> {
  while (ends.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('event socket flow', () => {
  it(
    'closes a client that stops reading with SLOW_CONSUMER, its queue bounded all along; it resumes with afterSeq',
    { timeout: 60_000 },
    async () => {
      const cap = 512;
      await start({ runAgent: floodRunner, maxQueuedFrames: cap, maxLagEvents: 5000 });
      const id = await create();
      const slow = connect(id);
      await slow.until((c) => c.frames.some((f) => f.type === 'welcome'));
      slow.ws.pause();
      const total = 50_000;
      await server.service.sendMessage(id, floodMessage(total, 1024));
      await server.service.idle();
      await socketsEnded(1);
      expect(ends[0]).toMatchObject({ closeCode: SocketCloseCode.SLOW_CONSUMER });
      expect(ends[0]?.peakQueued).toBeLessThanOrEqual(cap);
      // One high-water mark (1 MiB) plus the frame that crossed it.
      expect(ends[0]?.peakBufferedBytes).toBeLessThan(1024 * 1024 + 4096);
      slow.ws.resume();
      const close = await slow.closed;
      expect(close.code).toBe(SocketCloseCode.SLOW_CONSUMER);
      expect(close.reason).toContain('afterSeq');
      const received = slow.events().map((e) => e.seq);
      expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
      expect(received.length).toBeLessThan(total + 1);

      const resumed = connect(id, lastEventSeq(slow));
      await resumed.until((c) => lastEventSeq(c) === total + 1);
      const seqs = [...received, ...resumed.events().map((e) => e.seq)];
      expect(seqs).toEqual(Array.from({ length: total + 1 }, (_, i) => i + 1));
      await resumed.disconnect();
    },
  );

  it('keeps a reading client through a burst larger than its queue, reading the rest from the log', async () => {
    await start({ runAgent: floodRunner, maxQueuedFrames: 64 });
    const id = await create();
    const client = connect(id);
    await client.until((c) => c.frames.some((f) => f.type === 'welcome'));
    await server.service.sendMessage(id, floodMessage(20_000));
    await client.until((c) => c.lastSeq === 20_001);
    expect(client.events().map((e) => e.seq)).toEqual(Array.from({ length: 20_001 }, (_, i) => i + 1));
    await client.disconnect();
    await socketsEnded(1);
    expect(ends[0]?.peakQueued).toBeLessThanOrEqual(64);
  });

  it('replays a long log to a new subscriber in order while it is still growing', async () => {
    await start({ runAgent: floodRunner });
    const id = await create();
    await server.service.sendMessage(id, floodMessage(5000));
    const during = connect(id, 0);
    await server.service.idle();
    await server.service.sendMessage(id, floodMessage(3000));
    await server.service.idle();
    const last = server.service.lastSeq(id);
    await during.until((c) => lastEventSeq(c) === last);
    expect(during.events().map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    await during.disconnect();
  });

  it('streams deltas to live subscribers only, before the stored event', async () => {
    const deltaRunner: AgentRunner = async (ctx) => {
      for (const delta of ['Hel', 'lo'])
        ctx.onStreamDelta?.({ type: 'stream_delta', responseId: 'r1', kind: 'text', delta });
      await ctx.events.append({ type: 'message', source: 'agent', text: 'Hello' });
      return { finalState: 'idle', resumeAfterSeq: Number.POSITIVE_INFINITY };
    };
    await start({ runAgent: deltaRunner });
    const id = await create();
    const live = connect(id);
    await live.until((c) => c.frames.some((f) => f.type === 'welcome'));
    await server.service.sendMessage(id, 'say hello');
    await server.service.idle();
    await live.until((c) => lastEventSeq(c) === 2);
    expect(live.frames.map((f) => (f.type === 'stream_delta' ? f.delta : f.type))).toEqual([
      'welcome',
      'event',
      'Hel',
      'lo',
      'event',
    ]);
    const later = connect(id);
    await later.until((c) => lastEventSeq(c) === 2);
    expect(later.frames.some((f) => f.type === 'stream_delta')).toBe(false);
    await Promise.all([live.disconnect(), later.disconnect()]);
  });

  it('answers a confirm frame: an error frame without a pending confirmation, a run with one', async () => {
    const runner: AgentRunner = async (ctx) => {
      const confirmed = ctx.events.all().some((e) => e.type === 'confirmation');
      const state = await emitState(ctx.events, confirmed ? 'finished' : 'awaiting_confirmation');
      return {
        finalState: state.type === 'agent_state_changed' ? state.state : 'error',
        resumeAfterSeq: state.seq,
      };
    };
    await start({ runAgent: runner });
    const id = await create();
    const client = connect(id);
    await client.until((c) => c.frames.some((f) => f.type === 'welcome'));
    client.send({ type: 'confirm', accept: true });
    await client.until((c) => c.frames.some((f) => f.type === 'error'));
    expect(client.frames.find((f) => f.type === 'error')).toMatchObject({
      error: { code: 'no_pending_confirmation' },
    });
    client.send({ type: 'send_message', text: 'delete the build folder' });
    await client.until((c) =>
      c.events().some((e) => e.type === 'agent_state_changed' && e.state === 'awaiting_confirmation'),
    );
    client.send({ type: 'confirm', accept: true, reason: 'fine' });
    await client.until((c) =>
      c.events().some((e) => e.type === 'agent_state_changed' && e.state === 'finished'),
    );
    expect(client.events().find((e) => e.type === 'confirmation')).toMatchObject({
      accept: true,
      reason: 'fine',
      actionIds: [],
    });
    await client.disconnect();
  });

  it('closes every socket of a deleted conversation with CONVERSATION_DELETED', async () => {
    await start();
    const id = await create();
    const clients = [connect(id), connect(id)];
    for (const client of clients) await client.until((c) => c.frames.some((f) => f.type === 'welcome'));
    await server.service.delete(id);
    for (const client of clients)
      expect((await client.closed).code).toBe(SocketCloseCode.CONVERSATION_DELETED);
    const late = connect(id);
    expect((await late.closed).code).toBe(SocketCloseCode.CONVERSATION_NOT_FOUND);
  });
});
