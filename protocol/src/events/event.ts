import { z } from 'zod';
import { ActionEventSchema } from './action-event';
import { AgentStateChangedEventSchema } from './agent-state-event';
import { CondensationEventSchema } from './condensation-event';
import { ConfirmationEventSchema } from './confirmation-event';
import { ErrorEventSchema } from './error-event';
import { LlmUsageEventSchema } from './llm-usage-event';
import { MessageEventSchema } from './message-event';
import { ObservationEventSchema } from './observation-event';

/** Every event of a conversation's log. */
export const EventSchema = z.discriminatedUnion('type', [
  MessageEventSchema,
  ActionEventSchema,
  ObservationEventSchema,
  AgentStateChangedEventSchema,
  ErrorEventSchema,
  LlmUsageEventSchema,
  CondensationEventSchema,
  ConfirmationEventSchema,
]);
/** An event. */
export type Event = z.infer<typeof EventSchema>;
/** The `type` of every event. */
export type EventType = Event['type'];

/** Every `type` of {@link EventSchema}, for exhaustiveness checks and filters. */
export const EVENT_TYPES = [
  'message',
  'action',
  'observation',
  'agent_state_changed',
  'error',
  'llm_usage',
  'condensation',
  'confirmation',
] as const satisfies readonly EventType[];

/** The fields a producer supplies; the log assigns `id`, `seq` and `timestamp`. */
export type EventDraft = Event extends infer E
  ? E extends Event
    ? Omit<E, 'id' | 'seq' | 'timestamp'>
    : never
  : never;
