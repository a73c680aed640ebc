import { z } from 'zod';
import { eventBaseShape } from './base';

/**
 * History was condensed: from now on the model sees `summary` instead of the events with
 * `seq` in [fromSeq, toSeq]. The events themselves stay in the log.
 */
export const CondensationEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('condensation'),
    /** First forgotten event. */
    fromSeq: z.number().int().positive(),
    /** Last forgotten event. */
    toSeq: z.number().int().positive(),
    /** The LLM's summary of what was forgotten. */
    summary: z.string(),
    /** What triggered it. */
    reason: z.enum(['context_limit', 'context_overflow_error']),
  })
  .strict();
/** A condensation event. */
export type CondensationEvent = z.infer<typeof CondensationEventSchema>;
