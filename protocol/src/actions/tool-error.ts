import { z } from 'zod';

/**
 * The answer to an action that could not run: the model called an unknown tool, passed
 * arguments that do not parse, or the sandbox could not be reached. The model reads it.
 */
export const ToolErrorObservationSchema = z
  .object({
    type: z.literal('tool_error'),
    /** What went wrong, worded for the model. */
    message: z.string(),
  })
  .strict();
/** A tool-error observation. */
export type ToolErrorObservation = z.infer<typeof ToolErrorObservationSchema>;
