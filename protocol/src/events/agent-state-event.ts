import { z } from 'zod';
import { eventBaseShape } from './base';

/** Where the agent of a conversation stands. */
export const AgentStateSchema = z.enum([
  /** Created, waiting for a first message. */
  'idle',
  /** The loop is stepping. */
  'running',
  /** The loop ended a step and waits for the user. */
  'awaiting_user_input',
  /** Stopped by the user; can continue. */
  'paused',
  /** Confirmation mode: actions wait for the user to accept or reject them. */
  'awaiting_confirmation',
  /** Stuck detection stopped the agent (it was repeating itself); a new message continues. */
  'stuck',
  /** The agent called `finish`. */
  'finished',
  /** A fatal error ended the run; see the preceding error event. */
  'error',
]);
/** An agent state. */
export type AgentState = z.infer<typeof AgentStateSchema>;

/** The agent's state changed. */
export const AgentStateChangedEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('agent_state_changed'),
    /** The new state. */
    state: AgentStateSchema,
    /** Why, when it is not obvious (e.g. "max iterations reached"). */
    reason: z.string().optional(),
  })
  .strict();
/** An agent-state-changed event. */
export type AgentStateChangedEvent = z.infer<typeof AgentStateChangedEventSchema>;
