import { describe, expect, it } from 'vitest';
import {
  aConfirmationEvent,
  aCondensationEvent,
  aMessageEvent,
  anActionEvent,
  anLlmUsageEvent,
  anAgentStateEvent,
  anErrorEvent,
  anObservationEvent,
} from '@handoff/protocol/testing';
import type { MessageEvent } from '@handoff/protocol';
import {
  applyEvent,
  applyEvents,
  firstUserMessage,
  initialConversationState,
  missingEventCount,
  isPaired,
  observationFor,
  pendingActions,
} from './conversation-reducer';

describe('applyEvent', () => {
  it('appends events in seq order and tracks the last seq', () => {
    const state = applyEvents(initialConversationState, [
      aMessageEvent({ seq: 1 }),
      anActionEvent({ seq: 2 }),
    ]);
    expect(state.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(state.lastSeq).toBe(2);
  });

  it('ignores events with seq at or below the last seen one, returning the same state', () => {
    const state = applyEvents(initialConversationState, [
      aMessageEvent({ seq: 1 }),
      aMessageEvent({ seq: 2 }),
    ]);
    expect(applyEvent(state, aMessageEvent({ seq: 2 }))).toBe(state);
    expect(applyEvent(state, aMessageEvent({ seq: 1 }))).toBe(state);
  });

  it('pairs an observation with its action by actionId', () => {
    const action = anActionEvent({ seq: 1, actionId: 'a1' });
    const other = anActionEvent({ seq: 2, actionId: 'a2' });
    const observation = anObservationEvent({ seq: 3, actionId: 'a1' });
    const state = applyEvents(initialConversationState, [action, other, observation]);
    expect(observationFor(state, action)).toEqual(observation);
    expect(observationFor(state, other)).toBeUndefined();
    expect(isPaired(state, observation)).toBe(true);
  });

  it('leaves an observation without a known action unpaired', () => {
    const orphan = anObservationEvent({ seq: 1, actionId: 'missing' });
    const state = applyEvent(initialConversationState, orphan);
    expect(isPaired(state, orphan)).toBe(false);
    expect(state.events).toEqual([orphan]);
  });

  it('tracks the agent state and its reason', () => {
    let state = applyEvent(initialConversationState, anAgentStateEvent({ seq: 1, state: 'running' }));
    expect(state.agentState).toBe('running');
    state = applyEvent(
      state,
      anAgentStateEvent({ seq: 2, state: 'error', reason: 'max iterations reached' }),
    );
    expect(state).toMatchObject({ agentState: 'error', agentStateReason: 'max iterations reached' });
    state = applyEvent(state, anErrorEvent({ seq: 3 }));
    expect(state.agentState).toBe('error');
  });

  it('does not mutate the previous state', () => {
    const before = applyEvent(initialConversationState, anActionEvent({ seq: 1 }));
    const snapshot = JSON.stringify(before);
    applyEvent(before, anObservationEvent({ seq: 2 }));
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('keeps the latest LLM usage total', () => {
    const usage = (costUsd: number, inputTokens: number) => ({
      inputTokens,
      outputTokens: 10,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd,
      latencyMs: 5,
    });
    const state = applyEvents(initialConversationState, [
      anLlmUsageEvent({ seq: 1, call: usage(0.01, 100), total: usage(0.01, 100) }),
      anLlmUsageEvent({ seq: 2, call: usage(0.02, 200), total: usage(0.03, 300) }),
    ]);
    expect(state.usage).toEqual(usage(0.03, 300));
    expect(state.events).toHaveLength(2);
  });

  it('appends condensation and confirmation events without changing the agent state', () => {
    const state = applyEvents(initialConversationState, [
      anAgentStateEvent({ seq: 1, state: 'awaiting_confirmation' }),
      aCondensationEvent({ seq: 2 }),
      aConfirmationEvent({ seq: 3, accept: false, reason: 'no' }),
    ]);
    expect(state.events.map((e) => e.type)).toEqual(['agent_state_changed', 'condensation', 'confirmation']);
    expect(state.agentState).toBe('awaiting_confirmation');
  });

  it('lists the actions still waiting for an observation, finish aside', () => {
    const state = applyEvents(initialConversationState, [
      anActionEvent({ seq: 1, actionId: 'a1' }),
      anObservationEvent({ seq: 2, actionId: 'a1' }),
      anActionEvent({ seq: 3, actionId: 'a2' }),
      anActionEvent({ seq: 4, actionId: 'a3', action: { type: 'finish', message: 'done' } }),
    ]);
    expect(pendingActions(state).map((a) => a.actionId)).toEqual(['a2']);
  });
});

describe('applyEvent across reconnects and replays', () => {
  it('ignores every seq it has seen, wherever it arrives, and keeps seq order', () => {
    const events = [1, 2, 3, 4].map((seq) => aMessageEvent({ seq, text: `m${String(seq)}` }));
    const [one, two, three, four] = events as [MessageEvent, MessageEvent, MessageEvent, MessageEvent];
    let state = applyEvents(initialConversationState, [one, two, four]);
    expect(missingEventCount(state)).toBe(1);
    state = applyEvent(state, three);
    // A replay of the whole log after a reconnect changes nothing.
    const replayed = applyEvents(state, events);
    expect(replayed).toBe(state);
    expect(state.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(missingEventCount(state)).toBe(0);
  });

  it('lets only the newest agent state and usage total win when an older event arrives late', () => {
    const usage = (costUsd: number) => ({
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd,
      latencyMs: 1,
    });
    const state = applyEvents(initialConversationState, [
      anAgentStateEvent({ seq: 3, state: 'finished' }),
      anLlmUsageEvent({ seq: 4, total: usage(0.5) }),
      anAgentStateEvent({ seq: 1, state: 'running' }),
      anLlmUsageEvent({ seq: 2, total: usage(0.1) }),
    ]);
    expect(state.agentState).toBe('finished');
    expect(state.usage?.costUsd).toBe(0.5);
    expect(state.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('titles the conversation with its first user message, shortened to one line', () => {
    const state = applyEvents(initialConversationState, [
      aMessageEvent({ seq: 1, source: 'agent', text: 'Hello' }),
      aMessageEvent({ seq: 2, source: 'user', text: `Fix  the\ntests ${'x'.repeat(80)}` }),
    ]);
    const title = firstUserMessage(state);
    expect(title?.startsWith('Fix the tests x')).toBe(true);
    expect(title).toHaveLength(60);
    expect(title?.endsWith('…')).toBe(true);
    expect(firstUserMessage(initialConversationState)).toBeUndefined();
  });
});
