import { z } from 'zod';
import { ActionIdSchema } from '../ids';
import { eventBaseShape } from './base';

/** The user accepted or rejected the actions awaiting confirmation. */
export const ConfirmationEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('confirmation'),
    /** True: run them; false: each gets a `user_rejected` observation. */
    accept: z.boolean(),
    /** The user's reason (for a rejection, read by the model). */
    reason: z.string().optional(),
    /** The actions decided on. */
    actionIds: z.array(ActionIdSchema),
  })
  .strict();
/** A confirmation event. */
export type ConfirmationEvent = z.infer<typeof ConfirmationEventSchema>;
