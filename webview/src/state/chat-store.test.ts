import { describe, expect, it } from 'vitest';
import { aMessageEvent, anActionEvent, anAgentStateEvent } from '@handoff/protocol/testing';
import { HostClient } from '../host/host-client';
import { FakeHost, FakeHostError, settle } from '../testing/fake-host';
import {
  chatReducer,
  conversationTitle,
  hasConversation,
  initialChatState,
  isReadOnly,
  isStarting,
} from './chat-reducer';
import { ChatStore } from './chat-store';

function setup(host: FakeHost) {
  const client = new HostClient(host, { warn: () => undefined });
  const store = new ChatStore(client);
  client.start();
  return { store, client };
}

describe('ChatStore', () => {
  it('starts a conversation with the first message, then sends later ones', async () => {
    const host = new FakeHost({
      'conversation/start': () => ({ conversationId: 'conv-1' }),
      'conversation/sendMessage': () => ({}),
    });
    const { store } = setup(host);
    const pending = store.send('first');
    expect(isStarting(store.getState())).toBe(true);
    await pending;
    expect(store.getState()).toMatchObject({ starting: false, conversationId: 'conv-1' });
    await store.send('second');
    expect(host.requests).toEqual([
      ['conversation/start', { text: 'first' }],
      ['conversation/sendMessage', { text: 'second' }],
    ]);
  });

  it('shows the host error in the banner and lets the user dismiss it', async () => {
    const host = new FakeHost({
      'conversation/start': () => {
        throw new FakeHostError({ code: 'unauthorized', message: 'Run "Handoff: Set Runtime API Key".' });
      },
    });
    const { store } = setup(host);
    await store.send('go');
    expect(store.getState()).toMatchObject({ starting: false, error: 'Run "Handoff: Set Runtime API Key".' });
    expect(hasConversation(store.getState())).toBe(false);
    store.dismissError();
    expect(store.getState().error).toBeUndefined();
  });

  it('folds replayed notifications (reset, status, events) and notifies subscribers', async () => {
    const host = new FakeHost();
    const { store } = setup(host);
    let changes = 0;
    store.subscribe(() => {
      changes += 1;
    });
    host.notify('conversation/event', { event: aMessageEvent({ seq: 1 }) });
    host.notify('conversation/reset', {});
    host.notify('connection/status', { status: 'connected' });
    host.notify('conversation/event', { event: aMessageEvent({ seq: 1 }) });
    host.notify('conversation/event', { event: anAgentStateEvent({ seq: 2, state: 'running' }) });
    host.notify('conversation/event', { event: anAgentStateEvent({ seq: 2, state: 'running' }) });
    await settle();
    const state = store.getState();
    expect(state.conversation.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(state.conversation.agentState).toBe('running');
    expect(state.connection.status).toBe('connected');
    expect(hasConversation(state)).toBe(true);
    expect(changes).toBe(6);
  });

  it('grows a streaming response from deltas and drops it when the next event arrives', async () => {
    const host = new FakeHost();
    const { store } = setup(host);
    host.notify('conversation/streamDelta', { responseId: 'r1', kind: 'reasoning', delta: 'Hmm.' });
    host.notify('conversation/streamDelta', { responseId: 'r1', kind: 'text', delta: 'Running ' });
    host.notify('conversation/streamDelta', { responseId: 'r1', kind: 'text', delta: 'the tests.' });
    await settle();
    expect(store.getState().streaming).toEqual({
      responseId: 'r1',
      text: 'Running the tests.',
      reasoning: 'Hmm.',
    });
    host.notify('conversation/event', { event: anActionEvent({ seq: 1 }) });
    await settle();
    expect(store.getState().streaming).toBeUndefined();
    host.notify('conversation/streamDelta', { responseId: 'r2', kind: 'text', delta: 'Next' });
    host.notify('conversation/reset', {});
    await settle();
    expect(store.getState().streaming).toBeUndefined();
  });

  it('confirms, rejects with a reason, pauses and resumes through the host', async () => {
    const host = new FakeHost({
      'conversation/confirm': () => ({}),
      'conversation/pause': () => ({}),
      'conversation/resume': () => ({}),
    });
    const { store } = setup(host);
    await store.confirm({ accept: true });
    await store.confirm({ accept: false, reason: 'not that file' });
    await store.pause();
    await store.resume();
    expect(host.requests).toEqual([
      ['conversation/confirm', { accept: true }],
      ['conversation/confirm', { accept: false, reason: 'not that file' }],
      ['conversation/pause', {}],
      ['conversation/resume', {}],
    ]);
  });

  it('shows why a confirmation failed in the banner', async () => {
    const message = 'Nothing is waiting for your confirmation any more: the agent has already moved on.';
    const host = new FakeHost({
      'conversation/confirm': () => {
        throw new FakeHostError({ code: 'no_pending_confirmation', message });
      },
    });
    const { store } = setup(host);
    await store.confirm({ accept: true });
    expect(store.getState().error).toBe(message);
  });

  it('interrupts through the host', async () => {
    const host = new FakeHost({ 'conversation/interrupt': () => ({}) });
    const { store } = setup(host);
    await store.interrupt();
    expect(host.requests).toEqual([['conversation/interrupt', {}]]);
  });
});

describe('chatReducer', () => {
  it('raises the banner on an error status and clears it when connected again', () => {
    const failed = chatReducer(initialChatState, {
      type: 'status',
      status: 'error',
      message: 'Key rejected.',
    });
    expect(failed.error).toBe('Key rejected.');
    expect(chatReducer(failed, { type: 'status', status: 'connected' }).error).toBeUndefined();
  });

  it('keeps the connection status across a reset but forgets the conversation', () => {
    let state = chatReducer(initialChatState, { type: 'started', conversationId: 'conv-1' });
    state = chatReducer(state, { type: 'status', status: 'connected' });
    state = chatReducer(state, { type: 'event', event: aMessageEvent({ seq: 1 }) });
    state = chatReducer(state, { type: 'reset' });
    expect(state.conversationId).toBeUndefined();
    expect(state.conversation.events).toEqual([]);
    expect(state.connection.status).toBe('connected');
  });
});

describe('opening and new conversations', () => {
  it('keeps the conversation being opened across the host reset that precedes its replay', () => {
    let state = chatReducer(initialChatState, { type: 'started', conversationId: 'conv-1' });
    state = chatReducer(state, { type: 'open_requested', conversationId: 'conv-2' });
    state = chatReducer(state, { type: 'reset' });
    state = chatReducer(state, {
      type: 'event',
      event: aMessageEvent({ seq: 1, source: 'user', text: 'old' }),
    });
    expect(state.conversationId).toBe('conv-2');
    state = chatReducer(state, { type: 'opened', conversationId: 'conv-2' });
    expect(state).toMatchObject({ conversationId: 'conv-2', opening: undefined });
    expect(conversationTitle(state)).toBe('old');
  });

  it('drafts a new conversation: the host events of the old one are not shown, the next send starts', () => {
    let state = chatReducer(initialChatState, { type: 'status', status: 'connected' });
    state = chatReducer(state, {
      type: 'workspace',
      workspace: { trusted: true, editMode: 'apply', model: 'm', readOnly: true },
    });
    state = chatReducer(state, { type: 'new_conversation' });
    state = chatReducer(state, { type: 'event', event: aMessageEvent({ seq: 7 }) });
    expect(state.conversation.events).toEqual([]);
    expect(hasConversation(state)).toBe(false);
    expect(isReadOnly(state)).toBe(false);
    expect(conversationTitle(state)).toBe('New conversation');
    state = chatReducer(state, { type: 'start_requested' });
    expect(state.drafting).toBe(false);
    expect(isReadOnly(state)).toBe(true);
  });
});
