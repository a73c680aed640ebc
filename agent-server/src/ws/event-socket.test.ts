import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerFrame } from '@handoff/protocol';
import {
  PROTOCOL_VERSION,
  SESSION_API_KEY_HEADER,
  ServerFrameSchema,
  SocketCloseCode,
  eventSocketPath,
} from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningAgentServer } from '../agent-server';
import { startAgentServer } from '../agent-server';
import { silentLogger } from '../logger';
import type { FakeSandboxHandler } from '../testing/fake-sandbox-client';
import { FakeSandboxClient, fakeRunCommandObservation } from '../testing/fake-sandbox-client';
import type { ScriptedLlmStep } from '../testing/scripted-llm-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { inProcessConfig } from '../testing/in-process-config';

const KEY = 'socket-test-session-key-123';
let dir: string;
let server: RunningAgentServer;
let script: ScriptedLlmStep[];
let sandboxHandler: FakeSandboxHandler | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'event-socket-'));
  script = [{ text: 'hello there' }];
  sandboxHandler = undefined;
  server = await startAgentServer({
    config: inProcessConfig(KEY, dir),
    logger: silentLogger,
    llmClientFactory: () => new ScriptedLlmClient(script),
    sandbox: new FakeSandboxClient((action, options) =>
      (sandboxHandler ?? (() => fakeRunCommandObservation(action)))(action, options),
    ),
    handshakeTimeoutMs: 300,
  });
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A real `ws` client that queues frames and remembers how it closed. */
class Client {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<number>;
  readonly opened: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        resolve();
      });
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code) => {
        resolve(code);
        this.#wake();
      });
    });
    this.ws.on('message', (data: Buffer) => {
      this.frames.push(ServerFrameSchema.parse(JSON.parse(data.toString('utf8'))));
      this.#wake();
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until `predicate` holds for the frames so far. */
  async until(predicate: (frames: ServerFrame[]) => boolean, timeoutMs = 3000): Promise<ServerFrame[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames)) {
      if (Date.now() > deadline)
        throw new Error(`Timed out; frames: ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.frames;
  }

  eventSeqs(): number[] {
    return this.frames.flatMap((f) => (f.type === 'event' ? [f.event.seq] : []));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

const seqsAfter = (afterSeq: number, last: number) =>
  Array.from({ length: last - afterSeq }, (_, i) => afterSeq + i + 1);
const socketUrl = (id: string, query = '') =>
  `${server.url.replace('http', 'ws')}${eventSocketPath(id)}${query}`;
const hello = (extra: Record<string, unknown> = {}) => ({
  type: 'hello',
  protocolVersion: PROTOCOL_VERSION,
  ...extra,
});
const errorCode = (frames: ServerFrame[]) =>
  frames.flatMap((f) => (f.type === 'error' ? [f.error.code] : []));
const isFinal = (frames: ServerFrame[], state: string) =>
  frames.some((f) => f.type === 'event' && f.event.type === 'agent_state_changed' && f.event.state === state);

async function conversation(initialMessage?: string): Promise<string> {
  const info = await server.service.create({
    llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-1234567890' },
    ...(initialMessage ? { initialMessage } : {}),
  });
  await server.service.idle();
  return info.id;
}

describe('event socket', () => {
  it('authenticates by header, welcomes, replays, then streams live', async () => {
    const id = await conversation('hi');
    const client = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await client.opened;
    client.send(hello());
    await client.until((f) => isFinal(f, 'awaiting_user_input'));
    const stored = server.service.lastSeq(id);
    expect(client.frames[0]).toEqual({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      conversationId: id,
      lastSeq: stored,
    });
    expect(client.eventSeqs()).toEqual(seqsAfter(0, stored));
    script.push({ text: 'again' });
    client.send({ type: 'send_message', text: 'more' });
    await client.until(
      (f) => f.filter((x) => x.type === 'event' && x.event.type === 'agent_state_changed').length === 4,
    );
    expect(client.eventSeqs()).toEqual(seqsAfter(0, server.service.lastSeq(id)));
    expect(server.service.lastSeq(id)).toBeGreaterThan(stored);
    client.ws.close();
  });

  it('authenticates by sessionApiKey in hello and replays after afterSeq', async () => {
    const id = await conversation('hi');
    const client = new Client(socketUrl(id));
    await client.opened;
    client.send(hello({ sessionApiKey: KEY, afterSeq: 2 }));
    await client.until((f) => isFinal(f, 'awaiting_user_input'));
    expect(client.eventSeqs()).toEqual(seqsAfter(2, server.service.lastSeq(id)));
    client.ws.close();
  });

  it('ignores a key in the query string', async () => {
    const id = await conversation();
    const client = new Client(socketUrl(id, `?session_api_key=${KEY}`));
    await client.opened;
    client.send(hello());
    expect(await client.closed).toBe(SocketCloseCode.AUTH_FAILED);
    expect(errorCode(client.frames)).toEqual(['unauthorized']);
  });

  it('closes 4001 for a wrong key, in hello or in the header', async () => {
    const id = await conversation();
    const viaHello = new Client(socketUrl(id));
    await viaHello.opened;
    viaHello.send(hello({ sessionApiKey: 'wrong-wrong-wrong-wrong' }));
    expect(await viaHello.closed).toBe(SocketCloseCode.AUTH_FAILED);
    const viaHeader = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: 'wrong-wrong-wrong-wrong' });
    expect(await viaHeader.closed).toBe(SocketCloseCode.AUTH_FAILED);
    expect(errorCode(viaHeader.frames)).toEqual(['unauthorized']);
  });

  it('closes 4004 for an unknown conversation', async () => {
    const client = new Client(socketUrl('no-such-conversation'), { [SESSION_API_KEY_HEADER]: KEY });
    await client.opened;
    client.send(hello());
    expect(await client.closed).toBe(SocketCloseCode.CONVERSATION_NOT_FOUND);
    expect(errorCode(client.frames)).toEqual(['conversation_not_found']);
  });

  it('closes 4400 for an incompatible protocol version', async () => {
    const id = await conversation();
    const client = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await client.opened;
    client.send(hello({ protocolVersion: PROTOCOL_VERSION + 1 }));
    expect(await client.closed).toBe(SocketCloseCode.INCOMPATIBLE_PROTOCOL);
    expect(errorCode(client.frames)).toEqual(['incompatible_protocol']);
  });

  it('closes 4000 for a bad first frame, but keeps the socket after hello', async () => {
    const id = await conversation();
    const bad = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await bad.opened;
    bad.send('not json');
    expect(await bad.closed).toBe(SocketCloseCode.INVALID_FRAME);
    const notHello = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await notHello.opened;
    notHello.send({ type: 'interrupt' });
    expect(await notHello.closed).toBe(SocketCloseCode.INVALID_FRAME);

    const good = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await good.opened;
    good.send(hello());
    await good.until((f) => f.some((x) => x.type === 'welcome'));
    good.send('{oops');
    good.send({ type: 'send_message' });
    await good.until((f) => errorCode(f).length === 2);
    expect(errorCode(good.frames)).toEqual(['invalid_request', 'invalid_request']);
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
    good.ws.close();
  });

  it('closes 4008 when no hello arrives in time', async () => {
    const id = await conversation();
    const client = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    expect(await client.closed).toBe(SocketCloseCode.HANDSHAKE_TIMEOUT);
  });

  it('refuses other upgrade paths', async () => {
    const client = new Client(`${server.url.replace('http', 'ws')}/sockets/other`, {
      [SESSION_API_KEY_HEADER]: KEY,
    });
    await expect(client.opened).rejects.toThrow(/404/);
  });

  it('interrupt pauses the agent', async () => {
    script = [{ waitForAbort: true }];
    const id = await conversation();
    const client = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await client.opened;
    client.send(hello());
    client.send({ type: 'send_message', text: 'go' });
    await client.until((f) => isFinal(f, 'running'));
    client.send({ type: 'interrupt' });
    await client.until((f) => isFinal(f, 'paused'));
    client.ws.close();
  });

  it('replays with no gap and no duplicate while events are appended', async () => {
    const steps = 40;
    script = [
      ...Array.from({ length: steps }, (_, i) => ({
        toolCalls: [{ name: 'execute_bash', arguments: { command: `echo ${i}` } }],
      })),
      { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
    ];
    sandboxHandler = async (action) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return fakeRunCommandObservation(action, { output: 'x\n' });
    };
    const id = await conversation();
    void server.service.sendMessage(id, 'count');
    const clients: { client: Client; afterSeq: number }[] = [];
    for (let i = 0; i < 6; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 7));
      const afterSeq = Math.max(0, server.service.lastSeq(id) - 3);
      const client = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
      await client.opened;
      client.send(hello({ afterSeq }));
      clients.push({ client, afterSeq });
    }
    await server.service.idle();
    const lastSeq = server.service.lastSeq(id);
    expect(lastSeq).toBeGreaterThan(steps * 2);
    for (const { client, afterSeq } of clients) {
      await client.until((f) => isFinal(f, 'finished'), 5000);
      const expected = Array.from({ length: lastSeq - afterSeq }, (_, k) => afterSeq + k + 1);
      expect(client.eventSeqs()).toEqual(expected);
      client.ws.close();
    }
  });

  it('terminates a client that stops answering pings', async () => {
    const quick = await startAgentServer({
      config: {
        sessionApiKey: KEY,
        host: '127.0.0.1',
        port: 0,
        workspace: '/w',
        actionServerUrl: 'http://127.0.0.1:9',
        stateDir: path.join(dir, 'quick'),
      },
      logger: silentLogger,
      llmClientFactory: () => new ScriptedLlmClient([]),
      sandbox: new FakeSandboxClient(),
      heartbeatIntervalMs: 40,
    });
    try {
      const info = await quick.service.create({
        llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-1234567890' },
      });
      const url = `${quick.url.replace('http', 'ws')}${eventSocketPath(info.id)}`;
      const silent = new WebSocket(url, { headers: { [SESSION_API_KEY_HEADER]: KEY }, autoPong: false });
      const silentOpened = new Promise((resolve) => silent.once('open', resolve));
      const silentClosed = new Promise<number>((resolve) => silent.once('close', resolve));
      const answering = new Client(url, { [SESSION_API_KEY_HEADER]: KEY });
      await answering.opened;
      answering.send(hello());
      await silentOpened;
      silent.send(JSON.stringify(hello()));
      const code = await silentClosed;
      expect(code).toBe(1006);
      expect(answering.ws.readyState).toBe(WebSocket.OPEN);
      answering.ws.close();
    } finally {
      await quick.close();
    }
  });

  it('closes sockets with 1001 on shutdown', async () => {
    const id = await conversation();
    const client = new Client(socketUrl(id), { [SESSION_API_KEY_HEADER]: KEY });
    await client.opened;
    client.send(hello());
    await client.until((f) => f.some((x) => x.type === 'welcome'));
    await server.close();
    expect(await client.closed).toBe(SocketCloseCode.GOING_AWAY);
  });
});
