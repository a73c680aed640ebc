import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aMessageEvent, anAgentStateEvent } from '@handoff/protocol/testing';
import type { Event } from '@handoff/protocol';
import { silentLogger } from '../common/logger';
import { ConnectionError } from '../agent/errors';
import { SessionService } from '../agent/session-service';
import {
  FakeAgentHttpClient,
  FakeEventStream,
  FakeRuntimeClient,
  aSandboxInfo,
  aSessionConfig,
} from '../testing/fake-clients';
import { ConversationArchive } from './conversation-archive';
import { HistoryService } from './history-service';
import { openConversation, recordSessionHistory } from './session-history';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'handoff-reopen-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function setup() {
  const runtime = new FakeRuntimeClient();
  const streams: FakeEventStream[] = [];
  const connected: { sandboxId: string; conversationId: string }[] = [];
  const session = new SessionService({
    readConfig: () => Promise.resolve(aSessionConfig()),
    createRuntimeClient: () => runtime,
    createAgentClient: () => new FakeAgentHttpClient(),
    createEventStream: (sandbox, conversationId) => {
      connected.push({ sandboxId: sandbox.id, conversationId });
      const stream = new FakeEventStream();
      streams.push(stream);
      return stream;
    },
    logger: silentLogger,
  });
  const history = new HistoryService({
    archive: new ConversationArchive(root, silentLogger),
    findSandbox: (id) => session.findSandbox(id),
    logger: silentLogger,
  });
  recordSessionHistory(session, history);
  const shown: Event[] = [];
  session.onDidReceiveEvent((event) => shown.push(event));
  return { runtime, streams, connected, session, history, shown };
}

/** Runs a first conversation with two events, then starts a second one. */
async function twoConversations(s: ReturnType<typeof setup>): Promise<Event[]> {
  await s.session.start('first task');
  const events = [aMessageEvent({ seq: 1, text: 'first task' }), anAgentStateEvent({ seq: 2, state: 'finished' })];
  for (const event of events) s.streams[0]?.push(event);
  await s.session.start('second task');
  await s.history.whenIdle();
  s.shown.length = 0;
  return events;
}

describe('reopening a conversation', () => {
  it('resumes a paused sandbox and streams the whole conversation again from seq 0', async () => {
    const s = setup();
    const events = await twoConversations(s);
    s.runtime.sandboxes.set('sbx-1', aSandboxInfo({ id: 'sbx-1', status: 'paused' }));
    await openConversation(s, 'conv-1');
    expect(s.runtime.resumed).toEqual(['sbx-1']);
    expect(s.runtime.stopped).toEqual([]);
    expect(s.connected.at(-1)).toEqual({ sandboxId: 'sbx-1', conversationId: 'conv-1' });
    expect(s.streams.at(-1)?.connected).toBe(true);
    expect(s.session.current()).toEqual({ conversationId: 'conv-1', sandboxId: 'sbx-1', readOnly: false });
    for (const event of events) s.streams.at(-1)?.push(event);
    await s.history.whenIdle();
    expect(await s.history.events('conv-1')).toEqual(events);
    await s.session.sendMessage('more please');
  });

  it('replays a conversation whose sandbox is gone from the archive, read-only', async () => {
    const s = setup();
    const events = await twoConversations(s);
    s.runtime.sandboxes.delete('sbx-1');
    const streamsBefore = s.streams.length;
    await openConversation(s, 'conv-1');
    expect(s.streams).toHaveLength(streamsBefore);
    expect(s.shown).toEqual(events);
    expect(s.session.snapshot().events).toEqual(events);
    expect(s.session.current()).toEqual({ conversationId: 'conv-1', sandboxId: 'sbx-1', readOnly: true });
    expect(s.session.snapshot().status).toMatchObject({ status: 'disconnected' });
    expect((await s.history.get('conv-1'))?.live).toBe(false);
    await expect(s.session.sendMessage('more')).rejects.toThrow(/sandbox is gone.*Start a new conversation/);
    await s.history.whenIdle();
    expect(await s.history.events('conv-1')).toEqual(events);
  });

  it('shows the archive but keeps the live flag when runtime-api cannot be reached', async () => {
    const s = setup();
    const events = await twoConversations(s);
    s.runtime.getError = new ConnectionError('runtime-api is down');
    await openConversation(s, 'conv-1');
    expect(s.shown).toEqual(events);
    expect(s.session.current()?.readOnly).toBe(true);
    expect(s.session.snapshot().status.message).toContain('runtime-api is down');
    expect((await s.history.get('conv-1'))?.live).toBe(true);
  });

  it('fails with conversation_not_found for a conversation not in the history', async () => {
    const s = setup();
    await expect(openConversation(s, 'conv-9')).rejects.toMatchObject({ code: 'conversation_not_found' });
  });
});
