// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@handoff/protocol';
import { aMessageEvent, anActionEvent, anAgentStateEvent } from '@handoff/protocol/testing';
import { HostClient } from '../host/host-client';
import { ChatStore } from '../state/chat-store';
import { FakeHost } from '../testing/fake-host';
import type { FakeHostHandlers } from '../testing/fake-host';
import { renderDom } from '../testing/render-dom';
import type { Rendered } from '../testing/render-dom';
import { App } from './app';

function summary(overrides: Partial<ConversationSummary>): ConversationSummary {
  return {
    conversationId: 'conv-1',
    sandboxId: 'sb-1',
    title: 'Fix the tests',
    status: 'finished',
    live: true,
    createdAt: '2026-01-10T11:00:00Z',
    // The list shows time relative to the clock.
    updatedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    costUsd: 0.0421,
    tokens: 12_300,
    ...overrides,
  };
}

const history = [
  summary({}),
  summary({ conversationId: 'conv-2', title: 'Add a README', status: 'error', live: false }),
];

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function setup(handlers: FakeHostHandlers = {}) {
  const host = new FakeHost({
    'history/list': () => ({ items: history }),
    'conversation/open': () => ({}),
    'conversation/confirm': () => ({}),
    'conversation/interrupt': () => ({}),
    'conversation/start': () => ({ conversationId: 'conv-9' }),
    'conversation/sendMessage': () => ({}),
    ...handlers,
  });
  const client = new HostClient(host, { warn: () => undefined });
  const store = new ChatStore(client);
  client.start();
  view = await renderDom(<App store={store} />);
  return { host, store, view };
}

describe('history', () => {
  it('opens from the header, lists title, status, cost, time and live/archived, and opens one', async () => {
    const { host, store, view } = await setup();
    await view.click(view.get('history'));
    expect(host.requests).toEqual([['history/list', {}]]);
    const items = view.all('history-item');
    expect(items.map((item) => item.dataset['conversationId'])).toEqual(['conv-1', 'conv-2']);
    expect(items[0]?.textContent).toContain('Fix the tests');
    expect(items[0]?.textContent).toContain('finished');
    expect(items[0]?.textContent).toContain('$0.0421');
    expect(items[0]?.textContent).toMatch(/minutes? ago/);
    expect(items[0]?.dataset['live']).toBe('true');
    expect(items[1]?.textContent).toContain('archived');
    // The list takes the focus, and the arrow keys move through it.
    expect(document.activeElement).toBe(items[0]);
    await view.key(items[0] as HTMLElement, 'ArrowDown');
    expect(document.activeElement).toBe(items[1]);
    await view.click(items[1] as HTMLElement);
    expect(host.requests.at(-1)).toEqual(['conversation/open', { conversationId: 'conv-2' }]);
    expect(view.all('history-panel')).toHaveLength(0);
    expect(view.get('conversation-title').textContent).toBe('Add a README');
    expect(store.getState().conversationId).toBe('conv-2');
  });

  it('closes on Escape, and New conversation empties the view so the next message starts one', async () => {
    const { host, view } = await setup();
    host.notify('connection/status', { status: 'connected' });
    host.notify('conversation/event', { event: aMessageEvent({ seq: 1, source: 'user', text: 'old task' }) });
    await view.settle();
    expect(view.get('conversation-title').textContent).toBe('old task');
    await view.click(view.get('history'));
    await view.key(document, 'Escape');
    expect(view.all('history-panel')).toHaveLength(0);
    await view.click(view.get('new-conversation'));
    expect(view.get('conversation-title').textContent).toBe('New conversation');
    expect(view.all('empty-state')).toHaveLength(1);
    await view.type(view.get('composer-input'), 'new task');
    await view.key(view.get('composer-input'), 'Enter');
    expect(host.requests.at(-1)).toEqual(['conversation/start', { text: 'new task' }]);
  });
});

describe('composer', () => {
  it('sends on Enter, not on Shift+Enter, and keeps the focus in the box', async () => {
    const { host, view } = await setup();
    host.notify('connection/status', { status: 'connected' });
    await view.settle();
    const input = view.get('composer-input');
    await view.type(input, 'line one');
    await view.key(input, 'Enter', { shiftKey: true });
    expect(host.requests).toEqual([]);
    await view.click(view.get('send'));
    expect(host.requests).toEqual([['conversation/sendMessage', { text: 'line one' }]]);
    expect(document.activeElement).toBe(input);
  });

  it('stops a running agent on Escape', async () => {
    const { host, view } = await setup();
    host.notify('conversation/event', { event: anAgentStateEvent({ seq: 1, state: 'running' }) });
    await view.settle();
    await view.key(document, 'Escape');
    expect(host.requests).toEqual([['conversation/interrupt', {}]]);
  });
});

describe('confirmation', () => {
  async function awaiting() {
    const context = await setup();
    context.host.notify('conversation/event', { event: anActionEvent({ seq: 1, actionId: 'a1' }) });
    context.host.notify('conversation/event', {
      event: anAgentStateEvent({ seq: 2, state: 'awaiting_confirmation' }),
    });
    await context.view.settle();
    return context;
  }

  it('approves', async () => {
    const { host, view } = await awaiting();
    await view.click(view.get('approve'));
    expect(host.requests).toEqual([['conversation/confirm', { accept: true }]]);
  });

  it('rejects with the reason typed in the field that Reject opens and focuses; Enter sends it', async () => {
    const { host, view } = await awaiting();
    await view.click(view.get('reject'));
    const reason = view.get('confirm-reason');
    expect(document.activeElement).toBe(reason);
    expect(reason.getAttribute('aria-label')).toBeTruthy();
    await view.type(reason, '  not on main ');
    await view.key(reason, 'Enter');
    expect(host.requests).toEqual([['conversation/confirm', { accept: false, reason: 'not on main' }]]);
  });

  it('leaves the reason field on Escape without stopping the agent', async () => {
    const { host, view } = await awaiting();
    await view.click(view.get('reject'));
    await view.key(view.get('confirm-reason'), 'Escape');
    expect(view.all('confirm-reason')).toHaveLength(0);
    await view.click(view.get('reject'));
    await view.click(view.get('reject'));
    expect(host.requests).toEqual([['conversation/confirm', { accept: false }]]);
  });
});

describe('connection and workspace', () => {
  it('shows a banner while reconnecting or disconnected and clears it once connected', async () => {
    const { host, view } = await setup();
    host.notify('connection/status', { status: 'reconnecting' });
    await view.settle();
    expect(view.get('connection-banner').getAttribute('role')).toBe('status');
    host.notify('connection/status', { status: 'disconnected', message: 'The sandbox stopped.' });
    await view.settle();
    expect(view.get('connection-banner').getAttribute('role')).toBe('alert');
    expect(view.get('connection-banner').textContent).toContain('The sandbox stopped.');
    host.notify('connection/status', { status: 'connected' });
    await view.settle();
    expect(view.all('connection-banner')).toHaveLength(0);
  });

  it('says so in Restricted Mode, names the model, and disables the composer of an archived conversation', async () => {
    const { host, view } = await setup();
    host.notify('workspace/status', {
      trusted: false,
      editMode: 'review',
      model: 'anthropic/claude-sonnet-4-5',
      readOnly: true,
    });
    await view.settle();
    expect(view.get('restricted-notice').textContent).toContain(
      "This workspace is not trusted: Handoff won't upload it or write the agent's changes until you trust it",
    );
    expect(view.get('model').textContent).toBe('anthropic/claude-sonnet-4-5');
    expect(view.get('read-only-notice').textContent).toContain('archived');
    expect(view.get('composer-input').hasAttribute('disabled')).toBe(true);
    await view.click(view.get('new-conversation'));
    expect(view.all('read-only-notice')).toHaveLength(0);
    expect(view.get('composer-input').hasAttribute('disabled')).toBe(false);
  });
});
