import type { Action } from '@handoff/protocol';
import type { LlmToolCall, LlmToolDefinition } from '../llm/llm-client';
import { executeBashTool } from './execute-bash/definition';
import { finishTool } from './finish/definition';
import type { Tool, ToolParseResult } from './tool';

const TOOLS: readonly Tool[] = [executeBashTool, finishTool];
const TOOL_BY_NAME = new Map(TOOLS.map((tool) => [tool.definition.name, tool]));
const TOOL_BY_ACTION: Record<Action['type'], Tool> = { run_command: executeBashTool, finish: finishTool };

/** The tools offered to the model, in a stable order. */
export const TOOL_DEFINITIONS: readonly LlmToolDefinition[] = TOOLS.map((tool) => tool.definition);

/**
 * Turns a tool call into an action, or into the message the model reads when it cannot: an
 * unknown tool, arguments that are not a JSON object, or arguments the tool rejects. The
 * messages are OpenHands' (`FunctionCallNotExistsError`, `FunctionCallValidationError`).
 */
export function parseToolCall(call: LlmToolCall): ToolParseResult {
  const tool = TOOL_BY_NAME.get(call.name);
  if (tool === undefined) {
    return {
      ok: false,
      message: `Tool ${call.name} is not registered. (arguments: ${call.arguments}). Please check the tool name and retry with an existing tool.`,
    };
  }
  let args: unknown;
  try {
    args = JSON.parse(call.arguments.trim() === '' ? '{}' : call.arguments);
  } catch {
    return { ok: false, message: `Failed to parse tool call arguments: ${call.arguments}` };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { ok: false, message: `Failed to parse tool call arguments: ${call.arguments}` };
  }
  return tool.toAction(args as Record<string, unknown>);
}

/** The LLM-facing tool name of an action. */
export function toolNameOf(action: Action): string {
  return TOOL_BY_ACTION[action.type].definition.name;
}

/** The JSON arguments that produce `action`, as the model would have written them. */
export function toolArgumentsOf(action: Action): string {
  return JSON.stringify(TOOL_BY_ACTION[action.type].toArguments(action));
}
