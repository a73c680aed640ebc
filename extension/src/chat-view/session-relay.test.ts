import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aMessageEvent, anActionEvent } from '@handoff/protocol/testing';
import { silentLogger } from '../common/logger';
import { SessionService } from '../agent/session-service';
import {
  FakeAgentHttpClient,
  FakeEventStream,
  FakeRuntimeClient,
  aSessionConfig,
} from '../testing/fake-clients';
import { FakeWebview } from '../testing/fake-webview';
import { flush, waitFor } from '../testing/wait-for';
import { ConversationArchive } from '../history/conversation-archive';
import { HistoryService } from '../history/history-service';
import { historyForChat, recordSessionHistory } from '../history/session-history';
import { FakeChangeReview, FakeWorkspaceState } from '../testing/fake-review';
import { NO_CHANGES_MESSAGE, chatRequestHandlers, relaySession } from './session-relay';
import type { ChatServices } from './session-relay';
import { WebviewBridge } from './webview-bridge';

const folders: { folder: string; history: HistoryService }[] = [];
afterEach(async () => {
  for (const { folder, history } of folders.splice(0)) {
    await history.whenIdle();
    await rm(folder, { recursive: true, force: true });
  }
});

function setup(runtimeApiKey = 'runtime-key', review?: FakeChangeReview) {
  const stream = new FakeEventStream();
  const agent = new FakeAgentHttpClient();
  const runtime = new FakeRuntimeClient();
  const session = new SessionService({
    readConfig: () => Promise.resolve(aSessionConfig({ runtimeApiKey })),
    createRuntimeClient: () => runtime,
    createAgentClient: () => agent,
    createEventStream: () => stream,
    logger: silentLogger,
  });
  const folder = mkdtempSync(join(tmpdir(), 'handoff-relay-'));
  const history = new HistoryService({
    archive: new ConversationArchive(folder, silentLogger),
    findSandbox: (id) => runtime.get(id),
    logger: silentLogger,
  });
  folders.push({ folder, history });
  recordSessionHistory(session, history);
  const workspace = new FakeWorkspaceState();
  const services: ChatServices = {
    session,
    workspace,
    review,
    history: historyForChat(history, session),
  };
  const webview = new FakeWebview();
  const bridge = new WebviewBridge({ webview, handlers: chatRequestHandlers(services), logger: silentLogger });
  relaySession(services, bridge);
  return { session, stream, webview, agent, history, workspace, runtime };
}

const ready = { type: 'notification', method: 'webview/ready', params: {} };

describe('relaySession', () => {
  it('replays the whole conversation to a webview that becomes ready late', async () => {
    const { session, stream, webview } = setup();
    await session.start('go');
    const events = [aMessageEvent({ seq: 1 }), anActionEvent({ seq: 2 })];
    stream.status({ status: 'connected' });
    for (const event of events) stream.push(event);
    webview.posted.length = 0;
    webview.send(ready);
    // The queued live notifications come first; the replay after them is authoritative.
    const replay = webview.posted.slice(webview.notificationMethods().lastIndexOf('conversation/reset'));
    expect(replay.map((m) => (m.type === 'notification' ? [m.method, m.params] : m))).toEqual([
      ['conversation/reset', {}],
      ['connection/status', { status: 'connected' }],
      ['conversation/event', { event: events[0] }],
      ['conversation/event', { event: events[1] }],
    ]);
  });

  it('tells the webview to run "Handoff: Set Runtime API Key" when the key is missing', async () => {
    const { webview } = setup('');
    webview.send(ready);
    webview.send({ type: 'request', id: 1, method: 'conversation/start', params: { text: 'go' } });
    await flush();
    const response = webview.responsesTo(1)[0];
    expect(response).toMatchObject({ status: 'error', error: { code: 'not_configured' } });
    expect(JSON.stringify(response)).toContain('Handoff: Set Runtime API Key');
    expect(webview.posted).toContainEqual({
      type: 'notification',
      method: 'connection/status',
      params: { status: 'error', message: expect.stringContaining('Set Runtime API Key') as unknown },
    });
  });

  it('forwards live events, and the reset of a new conversation', async () => {
    const { session, stream, webview } = setup();
    webview.send(ready);
    await session.start('go');
    const event = aMessageEvent({ seq: 1 });
    stream.push(event);
    await session.reset();
    // history/updated follows the archive's writes, asynchronously: left out here.
    expect(webview.notificationMethods().filter((method) => method !== 'history/updated')).toEqual([
      'workspace/status',
      'conversation/reset',
      'connection/status',
      'connection/status',
      'workspace/status',
      'conversation/event',
      'workspace/status',
      'conversation/reset',
      'connection/status',
    ]);
    expect(webview.posted).toContainEqual({
      type: 'notification',
      method: 'conversation/event',
      params: { event },
    });
  });

  it('routes sendMessage and interrupt to the session', async () => {
    const { webview } = setup();
    webview.send(ready);
    webview.send({ type: 'request', id: 1, method: 'conversation/sendMessage', params: { text: 'hi' } });
    await flush();
    expect(webview.responsesTo(1)[0]).toMatchObject({
      status: 'error',
      error: { code: 'conversation_not_found' },
    });
  });

  it('routes confirm, pause and resume to the session and answers each', async () => {
    const { session, webview, agent } = setup();
    webview.send(ready);
    await session.start('go');
    webview.send({
      type: 'request',
      id: 1,
      method: 'conversation/confirm',
      params: { accept: false, reason: 'no' },
    });
    webview.send({ type: 'request', id: 2, method: 'conversation/pause', params: {} });
    webview.send({ type: 'request', id: 3, method: 'conversation/resume', params: {} });
    webview.send({ type: 'request', id: 4, method: 'conversation/confirm', params: { accept: 'yes' } });
    await flush();
    expect(agent.controls).toEqual([
      { route: 'confirm', conversationId: 'conv-1', body: { accept: false, reason: 'no' } },
      { route: 'pause', conversationId: 'conv-1' },
      { route: 'resume', conversationId: 'conv-1' },
    ]);
    for (const id of [1, 2, 3])
      expect(webview.responsesTo(id)[0]).toMatchObject({ status: 'success', result: {} });
    expect(webview.responsesTo(4)[0]).toMatchObject({ status: 'error', error: { code: 'invalid_request' } });
  });

  it('relays stream deltas live and replays the current response to a re-shown webview', async () => {
    const { session, stream, webview } = setup();
    webview.send(ready);
    await session.start('go');
    stream.delta({ responseId: 'r1', kind: 'text', delta: 'Let me ' });
    stream.delta({ responseId: 'r1', kind: 'text', delta: 'check.' });
    expect(
      webview.posted.filter((m) => m.type === 'notification' && m.method === 'conversation/streamDelta'),
    ).toEqual([
      {
        type: 'notification',
        method: 'conversation/streamDelta',
        params: { responseId: 'r1', kind: 'text', delta: 'Let me ' },
      },
      {
        type: 'notification',
        method: 'conversation/streamDelta',
        params: { responseId: 'r1', kind: 'text', delta: 'check.' },
      },
    ]);
    webview.posted.length = 0;
    webview.send(ready);
    expect(webview.posted.at(-1)).toEqual({
      type: 'notification',
      method: 'conversation/streamDelta',
      params: { responseId: 'r1', kind: 'text', delta: 'Let me check.' },
    });
  });

  it('answers history/list with the archived conversations and reopens one with conversation/open', async () => {
    const { session, stream, webview, history } = setup();
    webview.send(ready);
    await session.start('go');
    stream.push(aMessageEvent({ seq: 1, text: 'write the docs' }));
    await session.start('again');
    await history.whenIdle();
    webview.send({ type: 'request', id: 1, method: 'history/list', params: {} });
    await waitFor(() => webview.responsesTo(1).length === 1);
    expect(webview.responsesTo(1)[0]).toMatchObject({
      status: 'success',
      result: { items: [{ conversationId: 'conv-1', title: 'write the docs', live: true }] },
    });
    webview.posted.length = 0;
    webview.send({ type: 'request', id: 2, method: 'conversation/open', params: { conversationId: 'conv-1' } });
    await waitFor(() => webview.responsesTo(2).length === 1);
    expect(webview.responsesTo(2)[0]).toMatchObject({ status: 'success' });
    expect(webview.notificationMethods()).toContain('conversation/reset');
    expect(session.current()).toMatchObject({ conversationId: 'conv-1', readOnly: false });
  });

  it('answers changes/* with "no changes to review" when no review is wired', async () => {
    const { webview } = setup();
    webview.send(ready);
    webview.send({ type: 'request', id: 1, method: 'changes/accept', params: {} });
    await flush();
    expect(webview.responsesTo(1)[0]).toMatchObject({
      status: 'error',
      error: { code: 'path_not_found', message: NO_CHANGES_MESSAGE },
    });
  });

  it('delegates changes/* to the review and relays its changes, also on replay', async () => {
    const review = new FakeChangeReview();
    const { webview } = setup('runtime-key', review);
    webview.send(ready);
    webview.send({ type: 'request', id: 1, method: 'changes/open', params: { path: 'a.ts' } });
    webview.send({ type: 'request', id: 2, method: 'changes/accept', params: { paths: ['a.ts'] } });
    webview.send({ type: 'request', id: 3, method: 'changes/reject', params: {} });
    await flush();
    expect(review.calls).toEqual([
      { method: 'open', arg: 'a.ts' },
      { method: 'accept', arg: ['a.ts'] },
      { method: 'reject', arg: undefined },
    ]);
    const changes = [{ path: 'a.ts', kind: 'created' as const, state: 'pending' as const }];
    review.set(changes);
    const update = { type: 'notification', method: 'changes/updated', params: { mode: 'review', changes } };
    expect(webview.posted.at(-1)).toEqual(update);
    webview.posted.length = 0;
    webview.send(ready);
    expect(webview.posted.at(-1)).toEqual(update);
  });

  it('sends workspace/status on ready and on trust or settings changes', () => {
    const { webview, workspace } = setup();
    webview.send(ready);
    const status = { trusted: true, editMode: 'apply', model: 'openai/gpt-4o', readOnly: false };
    expect(webview.posted[0]).toEqual({ type: 'notification', method: 'workspace/status', params: status });
    workspace.set({ trusted: false, editMode: 'review' });
    expect(webview.posted.at(-1)).toEqual({
      type: 'notification',
      method: 'workspace/status',
      params: { ...status, trusted: false, editMode: 'review' },
    });
  });
});
