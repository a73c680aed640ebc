import { describe, expect, it } from 'vitest';
import { aMessageEvent } from '@handoff/protocol/testing';
import type { HostNotificationParams } from '@handoff/protocol';
import { FakeHost, FakeHostError, settle } from '../testing/fake-host';
import { HostClient, HostRequestError } from './host-client';
import { windowTransport } from './vscode-api';

const quiet = { warn: () => undefined };

function setup(host = new FakeHost()) {
  const client = new HostClient(host, quiet);
  client.start();
  return { host, client };
}

describe('HostClient', () => {
  it('announces itself with webview/ready on start, once', () => {
    const { host, client } = setup();
    client.start();
    expect(host.received).toEqual([{ type: 'notification', method: 'webview/ready', params: {} }]);
  });

  it('correlates responses by id and returns the parsed result', async () => {
    const host = new FakeHost({
      'conversation/start': ({ text }) => ({ conversationId: `conv-${text}` }),
      'conversation/interrupt': () => ({}),
    });
    const { client } = setup(host);
    const [started, interrupted] = await Promise.all([
      client.request('conversation/start', { text: 'a' }),
      client.request('conversation/interrupt', {}),
    ]);
    expect(started).toEqual({ conversationId: 'conv-a' });
    expect(interrupted).toEqual({});
    expect(host.requests).toEqual([
      ['conversation/start', { text: 'a' }],
      ['conversation/interrupt', {}],
    ]);
  });

  it('rejects with HostRequestError carrying the ErrorBody of an error response', async () => {
    const host = new FakeHost({
      'conversation/start': () => {
        throw new FakeHostError({ code: 'unauthorized', message: 'Run "Handoff: Set Runtime API Key".' });
      },
    });
    const { client } = setup(host);
    const error = await client.request('conversation/start', { text: 'go' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostRequestError);
    expect((error as HostRequestError).body.code).toBe('unauthorized');
  });

  it('rejects a success response whose result does not match the method', async () => {
    const host = new FakeHost({ 'conversation/start': () => ({ conversationId: 'bad id!' }) });
    const { client } = setup(host);
    await expect(client.request('conversation/start', { text: 'go' })).rejects.toBeInstanceOf(
      HostRequestError,
    );
  });

  it('delivers validated notifications to typed handlers and drops invalid ones', async () => {
    const { host, client } = setup();
    const seen: HostNotificationParams<'conversation/event'>[] = [];
    const unsubscribe = client.onNotification('conversation/event', (params) => seen.push(params));
    const event = aMessageEvent({ seq: 1 });
    host.notify('conversation/event', { event });
    host.deliver({ type: 'notification', method: 'conversation/event', params: { event: { seq: 2 } } });
    host.deliver({ type: 'notification', method: 'conversation/unknown', params: {} });
    host.deliver('garbage');
    await settle();
    expect(seen).toEqual([{ event }]);
    unsubscribe();
    host.notify('conversation/event', { event: aMessageEvent({ seq: 3 }) });
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('sends confirm, pause and resume and resolves with their empty results', async () => {
    const host = new FakeHost({
      'conversation/confirm': () => ({}),
      'conversation/pause': () => ({}),
      'conversation/resume': () => ({}),
    });
    const { client } = setup(host);
    await expect(client.request('conversation/confirm', { accept: false, reason: 'why' })).resolves.toEqual(
      {},
    );
    await expect(client.request('conversation/pause', {})).resolves.toEqual({});
    await expect(client.request('conversation/resume', {})).resolves.toEqual({});
    expect(host.requests).toEqual([
      ['conversation/confirm', { accept: false, reason: 'why' }],
      ['conversation/pause', {}],
      ['conversation/resume', {}],
    ]);
  });

  it('delivers stream deltas and drops malformed ones', async () => {
    const { host, client } = setup();
    const seen: HostNotificationParams<'conversation/streamDelta'>[] = [];
    client.onNotification('conversation/streamDelta', (params) => seen.push(params));
    host.notify('conversation/streamDelta', { responseId: 'r1', kind: 'text', delta: 'Hi' });
    for (const params of [
      { responseId: 'r1', kind: 'shout', delta: 'x' },
      { responseId: 'r1', kind: 'text', delta: 'x', seq: 3 },
      { responseId: 'r1', kind: 'text' },
    ])
      host.deliver({ type: 'notification', method: 'conversation/streamDelta', params });
    await settle();
    expect(seen).toEqual([{ responseId: 'r1', kind: 'text', delta: 'Hi' }]);
  });

  it('ignores responses to unknown ids and fails pending requests on dispose', async () => {
    const { host, client } = setup(
      new FakeHost({ 'conversation/start': () => new Promise<never>(() => undefined) }),
    );
    host.deliver({ type: 'response', id: 99, status: 'success', result: {} });
    const pending = client.request('conversation/start', { text: 'go' });
    await settle();
    client.dispose();
    await expect(pending).rejects.toThrow(/closed/);
  });
});

describe('windowTransport', () => {
  it('posts through the VS Code API and listens for message events on the window', () => {
    const posted: unknown[] = [];
    const target = new EventTarget();
    const transport = windowTransport({ postMessage: (m) => posted.push(m) }, target);
    const received: unknown[] = [];
    const unsubscribe = transport.onMessage((data) => received.push(data));
    transport.post({ type: 'notification', method: 'webview/ready', params: {} });
    target.dispatchEvent(new MessageEvent('message', { data: { hello: 1 } }));
    unsubscribe();
    target.dispatchEvent(new MessageEvent('message', { data: { hello: 2 } }));
    expect(posted).toEqual([{ type: 'notification', method: 'webview/ready', params: {} }]);
    expect(received).toEqual([{ hello: 1 }]);
  });
});
