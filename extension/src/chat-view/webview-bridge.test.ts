import { describe, expect, it } from 'vitest';
import { aMessageEvent } from '@handoff/protocol/testing';
import { silentLogger } from '../common/logger';
import { NotConfiguredError } from '../agent/errors';
import { FakeWebview } from '../testing/fake-webview';
import { flush } from '../testing/wait-for';
import { WebviewBridge } from './webview-bridge';
import type { WebviewRequestHandlers } from './webview-bridge';

function setup(overrides: Partial<WebviewRequestHandlers> = {}) {
  const webview = new FakeWebview();
  const calls: unknown[] = [];
  const handlers: WebviewRequestHandlers = {
    'conversation/start': (params) => {
      calls.push(params);
      return Promise.resolve({ conversationId: 'conv-1' });
    },
    'conversation/sendMessage': () => Promise.resolve({}),
    'conversation/interrupt': () => Promise.resolve({}),
    'conversation/confirm': () => Promise.resolve({}),
    'conversation/pause': () => Promise.resolve({}),
    'conversation/resume': () => Promise.resolve({}),
    'history/list': () => Promise.resolve({ items: [] }),
    'conversation/open': () => Promise.resolve({}),
    'changes/open': () => Promise.resolve({}),
    'changes/accept': () => Promise.resolve({}),
    'changes/reject': () => Promise.resolve({}),
    ...overrides,
  };
  const bridge = new WebviewBridge({ webview, handlers, logger: silentLogger });
  return { webview, bridge, calls };
}

const ready = { type: 'notification', method: 'webview/ready', params: {} };

describe('WebviewBridge', () => {
  it('queues notifications until the webview is ready, then delivers them in order', () => {
    const { webview, bridge } = setup();
    const event = aMessageEvent({ seq: 1 });
    bridge.notify('connection/status', { status: 'connecting' });
    bridge.notify('conversation/event', { event });
    expect(webview.posted).toEqual([]);
    webview.send(ready);
    expect(webview.posted).toEqual([
      { type: 'notification', method: 'connection/status', params: { status: 'connecting' } },
      { type: 'notification', method: 'conversation/event', params: { event } },
    ]);
    bridge.notify('conversation/reset', {});
    expect(webview.notificationMethods().at(-1)).toBe('conversation/reset');
  });

  it('fires onDidBecomeReady on every ready (a reloaded webview is replayed)', () => {
    const { webview, bridge } = setup();
    let count = 0;
    bridge.onDidBecomeReady(() => {
      count += 1;
    });
    webview.send(ready);
    webview.send(ready);
    expect(count).toBe(2);
  });

  it('answers a valid request with its result', async () => {
    const { webview, calls } = setup();
    webview.send({ type: 'request', id: 1, method: 'conversation/start', params: { text: 'go' } });
    await flush();
    expect(calls).toEqual([{ text: 'go' }]);
    expect(webview.responsesTo(1)).toEqual([
      { type: 'response', id: 1, status: 'success', result: { conversationId: 'conv-1' } },
    ]);
  });

  it('answers a request whose params do not match the method with invalid_request, without calling the handler', async () => {
    const { webview, calls } = setup();
    webview.send({ type: 'request', id: 2, method: 'conversation/start', params: { text: '' } });
    webview.send({
      type: 'request',
      id: 3,
      method: 'conversation/start',
      params: { text: 'x', extra: true },
    });
    await flush();
    expect(calls).toEqual([]);
    for (const id of [2, 3]) {
      expect(webview.responsesTo(id)).toEqual([
        {
          type: 'response',
          id,
          status: 'error',
          error: expect.objectContaining({ code: 'invalid_request' }) as unknown,
        },
      ]);
    }
  });

  it('rejects a malformed message with an error response when it carries an id', async () => {
    const { webview } = setup();
    webview.send({ type: 'request', id: 4, method: 'conversation/explode', params: {} });
    webview.send({ nonsense: true });
    webview.send('a string');
    await flush();
    expect(webview.posted).toHaveLength(1);
    expect(webview.responsesTo(4)[0]).toMatchObject({ status: 'error', error: { code: 'invalid_request' } });
  });

  it('turns a handler failure into an error response with its ErrorBody', async () => {
    const { webview } = setup({
      'conversation/start': () => Promise.reject(new NotConfiguredError('Set the key.')),
    });
    webview.send({ type: 'request', id: 5, method: 'conversation/start', params: { text: 'go' } });
    await flush();
    expect(webview.responsesTo(5)).toEqual([
      {
        type: 'response',
        id: 5,
        status: 'error',
        error: { code: 'not_configured', message: 'Set the key.' },
      },
    ]);
  });

  it('does not become ready on a ready notification with bad params', () => {
    const { webview, bridge } = setup();
    webview.send({ ...ready, params: { surprise: 1 } });
    bridge.notify('conversation/reset', {});
    expect(webview.posted).toEqual([]);
  });

  it('posts nothing after dispose', () => {
    const { webview, bridge } = setup();
    webview.send(ready);
    bridge.dispose();
    bridge.notify('conversation/reset', {});
    webview.send({ type: 'request', id: 6, method: 'conversation/interrupt', params: {} });
    expect(webview.posted).toEqual([]);
  });
});
