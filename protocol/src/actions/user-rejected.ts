import { z } from 'zod';

/** The answer to an action the user rejected in confirmation mode; it did not run. */
export const UserRejectedObservationSchema = z
  .object({
    type: z.literal('user_rejected'),
    /** The user's reason, read by the model. */
    reason: z.string(),
  })
  .strict();
/** A user-rejected observation. */
export type UserRejectedObservation = z.infer<typeof UserRejectedObservationSchema>;
