import { z } from 'zod';
import { ObservationSchema } from '../actions/action';
import { ActionIdSchema } from '../ids';
import { eventBaseShape } from './base';

/** The result of an action, from the sandbox or the agent server. */
export const ObservationEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('observation'),
    /** The action this answers. */
    actionId: ActionIdSchema,
    /** The tool that ran. */
    toolName: z.string(),
    /** The LLM's tool-call id of the action. */
    toolCallId: z.string(),
    /** The observation itself. */
    observation: ObservationSchema,
  })
  .strict();
/** An observation event. */
export type ObservationEvent = z.infer<typeof ObservationEventSchema>;
