import { z } from 'zod';
import { ObservationSchema, SandboxActionSchema } from '../actions/action';

/** `GET /alive` of the action server and the agent server; reveals nothing else. */
export const AliveResponseSchema = z.object({ status: z.literal('ok') }).strict();
/** An alive response. */
export type AliveResponse = z.infer<typeof AliveResponseSchema>;

/** `POST /execute_action` body: one action to run in the sandbox. */
export const ExecuteActionRequestSchema = z
  .object({
    /** The action. */
    action: SandboxActionSchema,
  })
  .strict();
/** An execute-action request. */
export type ExecuteActionRequest = z.infer<typeof ExecuteActionRequestSchema>;

/** `POST /execute_action` result. */
export const ExecuteActionResponseSchema = z
  .object({
    /** What the action produced. */
    observation: ObservationSchema,
  })
  .strict();
/** An execute-action response. */
export type ExecuteActionResponse = z.infer<typeof ExecuteActionResponseSchema>;
