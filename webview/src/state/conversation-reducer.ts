/**
 * @module The conversation as the chat shows it, built by folding events in `seq` order.
 * Pure: no React, no DOM.
 */
import type { ActionEvent, AgentState, Event, LlmUsage, ObservationEvent } from '@handoff/protocol';

/** What the event list and the status line read. */
export interface ConversationState {
  /** The highest `seq` applied. */
  readonly lastSeq: number;
  /** Every applied event, in `seq` order, each `seq` once. */
  readonly events: readonly Event[];
  /** Actions by `actionId`. */
  readonly actions: Readonly<Partial<Record<string, ActionEvent>>>;
  /** The observation that answered each action, by `actionId`. */
  readonly observations: Readonly<Partial<Record<string, ObservationEvent>>>;
  /** Where the agent stands (from the newest `agent_state_changed`). */
  readonly agentState: AgentState;
  /** Why it got there, when the server said. */
  readonly agentStateReason: string | undefined;
  /** The `seq` the agent state came from; an older one arriving late does not override it. */
  readonly agentStateSeq: number;
  /** The conversation's LLM usage so far (the newest `llm_usage` total). */
  readonly usage: LlmUsage | undefined;
  /** The `seq` the usage total came from. */
  readonly usageSeq: number;
}

/** Nothing yet. */
export const initialConversationState: ConversationState = {
  lastSeq: 0,
  events: [],
  actions: {},
  observations: {},
  agentState: 'idle',
  agentStateReason: undefined,
  agentStateSeq: 0,
  usage: undefined,
  usageSeq: 0,
};

/** Where `seq` goes in the sorted `events`, or -1 when an event with that `seq` is already there. */
function insertionIndex(events: readonly Event[], seq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const at = events[middle]?.seq ?? 0;
    if (at === seq) return -1;
    if (at < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Adds `event` in `seq` order; the same state when that `seq` was applied already (a replay). */
function insertEvent(state: ConversationState, event: Event): ConversationState {
  if (event.seq > state.lastSeq) return { ...state, lastSeq: event.seq, events: [...state.events, event] };
  const index = insertionIndex(state.events, event.seq);
  if (index === -1) return state;
  return { ...state, events: [...state.events.slice(0, index), event, ...state.events.slice(index)] };
}

/**
 * Applies one event. An event whose `seq` was seen is ignored (a replay after a reconnect); one
 * that arrives late takes its place by `seq`, and only a newer event changes the agent state
 * and the usage total.
 */
export function applyEvent(state: ConversationState, event: Event): ConversationState {
  const next = insertEvent(state, event);
  if (next === state) return state;
  switch (event.type) {
    case 'action':
      return { ...next, actions: { ...state.actions, [event.actionId]: event } };
    case 'observation':
      return { ...next, observations: { ...state.observations, [event.actionId]: event } };
    case 'agent_state_changed':
      if (event.seq < state.agentStateSeq) return next;
      return { ...next, agentState: event.state, agentStateReason: event.reason, agentStateSeq: event.seq };
    case 'llm_usage':
      if (event.seq < state.usageSeq) return next;
      return { ...next, usage: event.total, usageSeq: event.seq };
    case 'message':
    case 'error':
    case 'condensation':
    case 'confirmation':
      return next;
  }
}

/** Applies events in order. */
export function applyEvents(state: ConversationState, events: readonly Event[]): ConversationState {
  return events.reduce(applyEvent, state);
}

/** How many `seq` numbers between 1 and the last one have not arrived (0 when none is missing). */
export function missingEventCount(state: ConversationState): number {
  return state.lastSeq - state.events.length;
}

/** The observation that answered `action`, if it arrived. */
export function observationFor(state: ConversationState, action: ActionEvent): ObservationEvent | undefined {
  return state.observations[action.actionId];
}

/**
 * Actions still waiting for their observation: while the agent awaits confirmation, the ones
 * the user is asked about. `finish` never gets an observation and is left out.
 */
export function pendingActions(state: ConversationState): ActionEvent[] {
  return Object.values(state.actions).filter(
    (action): action is ActionEvent =>
      action !== undefined &&
      action.action.type !== 'finish' &&
      state.observations[action.actionId] === undefined,
  );
}

/** True when `observation` is shown inside its action's card rather than on its own. */
export function isPaired(state: ConversationState, observation: ObservationEvent): boolean {
  return state.actions[observation.actionId] !== undefined;
}

/** The first thing the user asked, shortened: the conversation's title until the history has one. */
export function firstUserMessage(state: ConversationState, maxLength = 60): string | undefined {
  const first = state.events.find((event) => event.type === 'message' && event.source === 'user');
  if (first?.type !== 'message') return undefined;
  const line = first.text.trim().replace(/\s+/g, ' ');
  return line.length <= maxLength ? line : `${line.slice(0, maxLength - 1)}…`;
}
