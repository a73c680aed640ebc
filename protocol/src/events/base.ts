import { z } from 'zod';
import { EventIdSchema } from '../ids';

/** Who caused an event: the user, the agent, or the environment (sandbox, server). */
export const EventSourceSchema = z.enum(['user', 'agent', 'environment']);
/** An event source. */
export type EventSource = z.infer<typeof EventSourceSchema>;

/** The fields every event carries. Events are immutable once appended. */
export const eventBaseShape = {
  /** Unique id of the event. */
  id: EventIdSchema,
  /** Position in the conversation's log: 1, 2, 3, ... assigned once, never reused. Resume by it. */
  seq: z.number().int().positive(),
  /** When the event was appended, ISO 8601 UTC. */
  timestamp: z.iso.datetime(),
  /** Who caused the event. */
  source: EventSourceSchema,
} as const;
