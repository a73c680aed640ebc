import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SocketCloseCode } from '@handoff/protocol';
import type { Event } from '@handoff/protocol';
import { aMessageEvent, anActionEvent, anObservationEvent } from '@handoff/protocol/testing';
import { silentLogger } from '../common/logger';
import { FakeAgentServer } from '../testing/fake-agent-server';
import type { FakeAgentServerOptions } from '../testing/fake-agent-server';
import { waitFor } from '../testing/wait-for';
import { AgentConnection, eventSocketUrl } from './agent-connection';
import type { ConnectionStatusChange, StreamDelta } from './agent-connection';
import { backoffDelay } from './backoff';

let server: FakeAgentServer | undefined;
let connection: AgentConnection | undefined;

afterEach(async () => {
  connection?.dispose();
  await server?.stop();
  connection = undefined;
  server = undefined;
});

async function connect(
  serverOptions: FakeAgentServerOptions = {},
  overrides: { sessionApiKey?: string; conversationId?: string; afterSeq?: number } = {},
) {
  server = await FakeAgentServer.start(serverOptions);
  const events: Event[] = [];
  const statuses: ConnectionStatusChange[] = [];
  connection = new AgentConnection({
    agentServerUrl: server.url,
    conversationId: overrides.conversationId ?? 'conv-1',
    sessionApiKey: overrides.sessionApiKey ?? 'session-key',
    afterSeq: overrides.afterSeq ?? 0,
    backoff: { initialMs: 10, maxMs: 40 },
    logger: silentLogger,
  });
  connection.onEvent((event) => events.push(event));
  connection.onStatus((status) => statuses.push(status));
  connection.connect();
  return { server, connection, events, statuses };
}

const statusNames = (statuses: ConnectionStatusChange[]) => statuses.map((s) => s.status);

describe('AgentConnection', () => {
  it('says hello with the protocol version and afterSeq, and sends the key as a header, not in the URL', async () => {
    const { server } = await connect({}, { afterSeq: 7 });
    await server.waitForHellos(1);
    expect(server.latest.hello).toEqual({ type: 'hello', protocolVersion: PROTOCOL_VERSION, afterSeq: 7 });
    expect(server.latest.headers['x-session-api-key']).toBe('session-key');
    expect(server.latest.url).toBe('/sockets/events/conv-1');
    expect(server.latest.url).not.toContain('session-key');
  });

  it('reports connecting then connected and delivers live events in order', async () => {
    const { server, events, statuses } = await connect();
    await waitFor(() => statusNames(statuses).includes('connected'), 'connected');
    server.pushEvent(aMessageEvent({ seq: 1 }));
    server.pushEvent(anActionEvent({ seq: 2 }));
    await waitFor(() => events.length === 2, 'two events');
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(statusNames(statuses).slice(0, 2)).toEqual(['connecting', 'connected']);
  });

  it('reconnects after an abrupt close, resumes after the last seq, and delivers each event exactly once', async () => {
    const { server, connection, events, statuses } = await connect({ replayEverything: true });
    await server.waitForHellos(1);
    server.pushEvent(aMessageEvent({ seq: 1 }));
    server.pushEvent(anActionEvent({ seq: 2 }));
    await waitFor(() => events.length === 2, 'first two events');

    server.drop();
    await waitFor(() => statusNames(statuses).includes('reconnecting'), 'reconnecting');
    await server.waitForHellos(2);
    expect(server.latest.hello?.afterSeq).toBe(2);
    server.pushEvent(anObservationEvent({ seq: 3 }));

    // The server replays 1 and 2 again (replayEverything); the client must drop them.
    await waitFor(() => events.length >= 3, 'third event');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(connection.lastSeq).toBe(3);
    expect(statusNames(statuses).at(-1)).toBe('connected');
  });

  it('keeps retrying with backoff while the server is away (clean close with a retryable code)', async () => {
    const { server } = await connect();
    await server.waitForHellos(1);
    server.close(SocketCloseCode.GOING_AWAY, 'restart');
    await server.waitForHellos(2);
    server.close(SocketCloseCode.GOING_AWAY, 'restart');
    await server.waitForHellos(3);
    expect(server.connections).toHaveLength(3);
  });

  it.each([
    ['4001 (auth failed)', { sessionApiKey: 'wrong' }, /rejected the session key/],
    ['4004 (no such conversation)', { conversationId: 'other' }, /does not know this conversation/],
  ])('does not reconnect after %s and reports a clear error', async (_name, overrides, message) => {
    const { server, statuses } = await connect({}, overrides);
    await waitFor(() => statusNames(statuses).includes('error'), 'error status');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(server.connections).toHaveLength(1);
    expect(statuses.at(-1)?.message).toMatch(message);
  });

  it('does not reconnect after 4400 and names the protocol problem', async () => {
    const { server, statuses } = await connect();
    await server.waitForHellos(1);
    server.close(SocketCloseCode.INCOMPATIBLE_PROTOCOL, 'version');
    await waitFor(() => statusNames(statuses).includes('error'), 'error status');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(server.connections).toHaveLength(1);
    expect(statuses.at(-1)?.message).toMatch(/incompatible protocol/);
  });

  it('gives up when the welcome announces an incompatible protocol version', async () => {
    const { server, statuses } = await connect({ protocolVersion: PROTOCOL_VERSION + 1 });
    await waitFor(() => statusNames(statuses).includes('error'), 'error status');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(server.connections).toHaveLength(1);
    expect(statuses.at(-1)?.message).toMatch(/newer/);
  });

  it('gives up when the upgrade is refused with 401', async () => {
    const { server, statuses } = await connect({ refuseUpgradeWith: 401 });
    await waitFor(() => statusNames(statuses).includes('error'), 'error status');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(statuses.filter((s) => s.status === 'reconnecting')).toHaveLength(0);
    expect(server.connections).toHaveLength(0);
  });

  it('ignores invalid frames and keeps going', async () => {
    const { server, events } = await connect();
    await server.waitForHellos(1);
    server.sendRaw('not json');
    server.sendRaw(JSON.stringify({ type: 'event', event: { seq: 1 } }));
    server.sendRaw(JSON.stringify({ type: 'surprise' }));
    server.pushEvent(aMessageEvent({ seq: 1 }));
    await waitFor(() => events.length === 1, 'the valid event');
    expect(events[0]?.seq).toBe(1);
  });

  it('relays stream deltas as they arrive, without touching the resume position', async () => {
    const { server, connection, events } = await connect();
    const deltas: StreamDelta[] = [];
    connection.onStreamDelta((delta) => deltas.push(delta));
    await server.waitForHellos(1);
    server.pushEvent(aMessageEvent({ seq: 1 }));
    server.pushDelta({ responseId: 'r1', kind: 'reasoning', delta: 'Look at ' });
    server.pushDelta({ responseId: 'r1', kind: 'text', delta: 'I will ' });
    server.pushDelta({ responseId: 'r1', kind: 'text', delta: 'run the tests.' });
    server.sendRaw(JSON.stringify({ type: 'stream_delta', responseId: 'r1', kind: 'shout', delta: '!' }));
    server.pushEvent(anActionEvent({ seq: 2 }));
    await waitFor(() => events.length === 2, 'the event after the deltas');
    expect(deltas).toEqual([
      { responseId: 'r1', kind: 'reasoning', delta: 'Look at ' },
      { responseId: 'r1', kind: 'text', delta: 'I will ' },
      { responseId: 'r1', kind: 'text', delta: 'run the tests.' },
    ]);
    expect(connection.lastSeq).toBe(2);
  });

  it('sends messages and interrupts as frames once open, and refuses before', async () => {
    server = await FakeAgentServer.start();
    connection = new AgentConnection({
      agentServerUrl: server.url,
      conversationId: 'conv-1',
      sessionApiKey: 'session-key',
      logger: silentLogger,
    });
    expect(connection.sendMessage('too early')).toBe(false);
    connection.connect();
    await server.waitForHellos(1);
    await waitFor(() => connection?.sendMessage('hi') === true, 'open socket');
    expect(connection.interrupt()).toBe(true);
    expect(await server.waitForFrames(2)).toEqual([
      { type: 'send_message', text: 'hi' },
      { type: 'interrupt' },
    ]);
  });

  it('stops reconnecting once disposed', async () => {
    const { server, connection } = await connect();
    await server.waitForHellos(1);
    connection.dispose();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(server.connections).toHaveLength(1);
  });
});

describe('eventSocketUrl', () => {
  it('maps http to ws and https to wss, keeping a path prefix', () => {
    expect(eventSocketUrl('http://127.0.0.1:4000', 'c1')).toBe('ws://127.0.0.1:4000/sockets/events/c1');
    expect(eventSocketUrl('https://host/agent/', 'c1')).toBe('wss://host/agent/sockets/events/c1');
  });
});

describe('backoffDelay', () => {
  it('doubles from 0.5 s, caps at 30 s, and jitters within the upper half', () => {
    const options = { initialMs: 500, maxMs: 30_000 };
    expect(backoffDelay(0, options, () => 0)).toBe(250);
    expect(backoffDelay(0, options, () => 1)).toBe(500);
    expect(backoffDelay(3, options, () => 1)).toBe(4000);
    expect(backoffDelay(20, options, () => 1)).toBe(30_000);
    expect(backoffDelay(20, options, () => 0)).toBe(15_000);
  });
});
