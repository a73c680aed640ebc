import { z } from 'zod';
import { ActionSchema } from '../actions/action';
import { ActionIdSchema } from '../ids';
import { eventBaseShape } from './base';

/** The agent decided to act. The matching observation carries the same `actionId`. */
export const ActionEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('action'),
    /** Pairs this action with its observation. */
    actionId: ActionIdSchema,
    /** The LLM-facing tool name that produced the action, e.g. `execute_bash`. */
    toolName: z.string(),
    /** The LLM's tool-call id, echoed back to it with the result. */
    toolCallId: z.string(),
    /** What the model said alongside the call (may be empty). */
    thought: z.string(),
    /** The action itself. */
    action: ActionSchema,
  })
  .strict();
/** An action event. */
export type ActionEvent = z.infer<typeof ActionEventSchema>;
