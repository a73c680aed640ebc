import type { Action } from '@handoff/protocol';
import { z } from 'zod';
import type { Tool, ToolParseResult } from '../tool';
import { parseArguments } from '../tool';

/** The LLM-facing name (OpenHands `FINISH_TOOL_NAME`). */
export const FINISH_TOOL_NAME = 'finish';

// OpenHands `_FINISH_DESCRIPTION`, word for word.
const DESCRIPTION = `Signals the completion of the current task or conversation.

Use this tool when:
- You have successfully completed the user's requested task
- You cannot proceed further due to technical limitations or missing information

The message should include:
- A clear summary of actions taken and their results
- Any next steps for the user
- Explanation if you're unable to complete the task
- Any follow-up questions if more information is needed
`;

const PARAMETERS = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string', description: 'Final message to send to the user' } },
};

const ArgumentsSchema = z.object({ message: z.string() });

function toAction(args: Record<string, unknown>): ToolParseResult {
  const parsed = parseArguments(FINISH_TOOL_NAME, ['message'], ArgumentsSchema, args);
  if (!parsed.ok) return parsed;
  return { ok: true, action: { type: 'finish', message: parsed.value.message } };
}

function toArguments(action: Action): Record<string, unknown> {
  if (action.type !== 'finish') throw new Error(`finish cannot replay a ${action.type} action.`);
  return { message: action.message };
}

/** `finish`: the agent declares the task done, with a message for the user. */
export const finishTool: Tool = {
  name: FINISH_TOOL_NAME,
  definition: () => ({ name: FINISH_TOOL_NAME, description: DESCRIPTION, parameters: PARAMETERS }),
  toAction,
  toArguments,
};
