import type { Action } from '@handoff/protocol';
import type { z } from 'zod';
import type { LlmToolDefinition } from '../llm/llm-client';

/**
 * OpenHands' `security_risk` parameter (`SECURITY_RISK_DESC`, `RISK_LEVELS`), shared by every
 * tool that acts on the sandbox.
 */
export const SECURITY_RISK_PARAMETER = {
  type: 'string',
  description:
    "The LLM's assessment of the safety risk of this action. See the SECURITY_RISK_ASSESSMENT section in the system prompt for risk level definitions.",
  enum: ['LOW', 'MEDIUM', 'HIGH'],
} as const;

/** The outcome of parsing a tool call: an action to take, or a message for the model. */
export type ToolParseResult = { ok: true; action: Action } | { ok: false; message: string };

/** What a tool's definition may depend on. */
export interface ToolContext {
  /** Absolute path of the workspace folder (OpenHands names it in the editor's `path`). */
  workspace: string;
}

/**
 * A tool as the model sees it (OpenHands' name, description and parameters, word for word) and
 * the one place that maps its LLM-facing arguments to our camelCase action and back.
 */
export interface Tool {
  /** The LLM-facing name. */
  name: string;
  /** What is sent to the model. */
  definition(context: ToolContext): LlmToolDefinition;
  /** Maps validated arguments to an action, or explains to the model why it cannot. */
  toAction(args: Record<string, unknown>): ToolParseResult;
  /** The arguments that produce `action`, for replaying the call to the model. */
  toArguments(action: Action): Record<string, unknown>;
}

/**
 * Validates arguments against `schema` and words the first problem the way OpenHands does
 * (`FunctionCallValidationError`), so the model can fix its call.
 */
export function parseArguments<T>(
  toolName: string,
  required: readonly string[],
  schema: z.ZodType<T>,
  args: Record<string, unknown>,
): { ok: true; value: T } | { ok: false; message: string } {
  const missing = required.find((name) => !(name in args));
  if (missing !== undefined)
    return { ok: false, message: `Missing required argument "${missing}" in tool call ${toolName}` };
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') ?? '';
  return {
    ok: false,
    message: `Invalid value for argument "${where}" in tool call ${toolName}: ${issue?.message ?? 'invalid'}`,
  };
}
