import { z } from 'zod';
import { eventBaseShape } from './base';

/** A chat message from the user or from the agent. */
export const MessageEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('message'),
    /** The message text (markdown). */
    text: z.string(),
  })
  .strict();
/** A message event. */
export type MessageEvent = z.infer<typeof MessageEventSchema>;
