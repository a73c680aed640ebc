import type { Action, ThinkObservation } from '@handoff/protocol';
import { z } from 'zod';
import type { Tool, ToolParseResult } from '../tool';
import { parseArguments } from '../tool';

/** The LLM-facing name (OpenHands `ThinkTool`). */
export const THINK_TOOL_NAME = 'think';

/** What the model reads after `think` (OpenHands' `AgentThinkObservation`). */
export const THOUGHT_LOGGED = 'Your thought has been logged.';

// OpenHands `_THINK_DESCRIPTION`, word for word.
const DESCRIPTION = `To ensure a clear record of your work, you must report the reasoning for every significant action you take (e.g., executing a bash command, editing a file, running a test, etc). Use the think tool for this purpose.

Your report must follow this structure:

1. Current Situation: Start with a brief summary of the current context.
2. Options Analysis: Analyze the potential actions you can take.
3. Chosen Action: State the single, most optimal action you've decided on.
4. Justification: Explain why this action is the best available next step for solving the issue.

This information will be saved, allowing you to review your thought process at any time.
`;

const PARAMETERS = {
  type: 'object',
  properties: { thought: { type: 'string', description: 'The thought that should be logged.' } },
  required: ['thought'],
};

const ArgumentsSchema = z.object({ thought: z.string() });

function toAction(args: Record<string, unknown>): ToolParseResult {
  const parsed = parseArguments(THINK_TOOL_NAME, ['thought'], ArgumentsSchema, args);
  if (!parsed.ok) return parsed;
  return { ok: true, action: { type: 'think', thought: parsed.value.thought } };
}

function toArguments(action: Action): Record<string, unknown> {
  if (action.type !== 'think') throw new Error(`think cannot replay a ${action.type} action.`);
  return { thought: action.thought };
}

/** The answer to a `think` call: nothing runs, the thought is in the log. */
export function think(): ThinkObservation {
  return { type: 'think', output: THOUGHT_LOGGED };
}

/** `think`: the model writes down its reasoning; nothing runs. */
export const thinkTool: Tool = {
  name: THINK_TOOL_NAME,
  definition: () => ({ name: THINK_TOOL_NAME, description: DESCRIPTION, parameters: PARAMETERS }),
  toAction,
  toArguments,
};
