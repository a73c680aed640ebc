import { z } from 'zod';
import { ErrorBodySchema } from '../errors';
import { eventBaseShape } from './base';

/** Something failed that the user should see (an LLM error, a lost sandbox). */
export const ErrorEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('error'),
    /** What failed. */
    error: ErrorBodySchema,
  })
  .strict();
/** An error event. */
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;
