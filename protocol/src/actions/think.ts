import { z } from 'zod';

/** The agent writes down a thought (the `think` tool); nothing runs. */
export const ThinkActionSchema = z
  .object({
    type: z.literal('think'),
    /** The thought. */
    thought: z.string(),
  })
  .strict();
/** A think action. */
export type ThinkAction = z.infer<typeof ThinkActionSchema>;

/** The answer to `think` ("Your thought has been logged."). */
export const ThinkObservationSchema = z
  .object({
    type: z.literal('think'),
    /** The text the model reads. */
    output: z.string(),
  })
  .strict();
/** A think observation. */
export type ThinkObservation = z.infer<typeof ThinkObservationSchema>;
