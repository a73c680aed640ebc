/**
 * @module The conversation as the chat shows it, built by folding events in `seq` order.
 * Pure: no React, no DOM.
 */
import type { ActionEvent, AgentState, Event, LlmUsage, ObservationEvent } from '@handoff/protocol';

/** What the event list and the status line read. */
export interface ConversationState {
  /** The highest `seq` applied; older or repeated events are ignored. */
  readonly lastSeq: number;
  /** Every applied event, in `seq` order. */
  readonly events: readonly Event[];
  /** Actions by `actionId`. */
  readonly actions: Readonly<Partial<Record<string, ActionEvent>>>;
  /** The observation that answered each action, by `actionId`. */
  readonly observations: Readonly<Partial<Record<string, ObservationEvent>>>;
  /** Where the agent stands. */
  readonly agentState: AgentState;
  /** Why it got there, when the server said. */
  readonly agentStateReason: string | undefined;
  /** The conversation's LLM usage so far (the latest `llm_usage` total). */
  readonly usage: LlmUsage | undefined;
}

/** Nothing yet. */
export const initialConversationState: ConversationState = {
  lastSeq: 0,
  events: [],
  actions: {},
  observations: {},
  agentState: 'idle',
  agentStateReason: undefined,
  usage: undefined,
};

/** Applies one event. Events with `seq` at or below the last applied one are ignored (replays). */
export function applyEvent(state: ConversationState, event: Event): ConversationState {
  if (event.seq <= state.lastSeq) return state;
  const next: ConversationState = { ...state, lastSeq: event.seq, events: [...state.events, event] };
  switch (event.type) {
    case 'action':
      return { ...next, actions: { ...state.actions, [event.actionId]: event } };
    case 'observation':
      return { ...next, observations: { ...state.observations, [event.actionId]: event } };
    case 'agent_state_changed':
      return { ...next, agentState: event.state, agentStateReason: event.reason };
    case 'llm_usage':
      return { ...next, usage: event.total };
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
