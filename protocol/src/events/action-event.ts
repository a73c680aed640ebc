import { z } from 'zod';
import { ActionSchema } from '../actions/action';
import { ActionIdSchema } from '../ids';
import { eventBaseShape } from './base';

/** The risk of an action, as the model judges it (OpenHands' `security_risk`). */
export const SecurityRiskSchema = z.enum(['LOW', 'MEDIUM', 'HIGH', 'UNKNOWN']);
/** A security risk. */
export type SecurityRisk = z.infer<typeof SecurityRiskSchema>;

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
    /** The arguments exactly as the model sent them (JSON), replayed verbatim to it. */
    toolArguments: z.string().optional(),
    /** The risk the model assigned (`security_risk`); `UNKNOWN` when it gave none. */
    securityRisk: SecurityRiskSchema.optional(),
  })
  .strict();
/** An action event. */
export type ActionEvent = z.infer<typeof ActionEventSchema>;
