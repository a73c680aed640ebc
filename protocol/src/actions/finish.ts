import { z } from 'zod';

/** The agent declares the task done (the `finish` tool). It has no observation. */
export const FinishActionSchema = z
  .object({
    type: z.literal('finish'),
    /** The agent's final message to the user. */
    message: z.string(),
  })
  .strict();
/** A finish action. */
export type FinishAction = z.infer<typeof FinishActionSchema>;
