import type { Action, Observation, RunCommandAction, SecurityRisk } from '@handoff/protocol';
import type { LlmToolCall, LlmToolDefinition } from '../llm/llm-client';
import { executeBashTool } from './execute-bash/definition';
import { runCommandToolOutput } from './execute-bash/tool-output';
import { finishTool } from './finish/definition';
import { fileEditorToolOutput, strReplaceEditorTool } from './str-replace-editor/definition';
import { taskTrackerTool } from './task-tracker/definition';
import { thinkTool } from './think/definition';
import type { Tool, ToolContext, ToolParseResult } from './tool';

/** What the model reads for an action the user rejected (OpenHands' `UserRejectObservation`). */
export const USER_REJECTED_MESSAGE = 'Action has been rejected by the user! Waiting for further user input.';

const TOOLS: readonly Tool[] = [
  executeBashTool,
  strReplaceEditorTool,
  thinkTool,
  taskTrackerTool,
  finishTool,
];
const TOOL_BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));
const TOOL_BY_ACTION: Record<Action['type'], Tool> = {
  run_command: executeBashTool,
  file_editor: strReplaceEditorTool,
  think: thinkTool,
  task_tracker: taskTrackerTool,
  finish: finishTool,
};

/** A parsed call: the action and the risk the model assigned to it. */
export type ParsedToolCall =
  (ToolParseResult & { ok: false }) | { ok: true; action: Action; securityRisk: SecurityRisk };

/** The tools offered to the model, in a stable order. */
export function toolDefinitions(context: ToolContext): LlmToolDefinition[] {
  return TOOLS.map((tool) => tool.definition(context));
}

/**
 * Turns a tool call into an action, or into the message the model reads when it cannot: an
 * unknown tool, arguments that are not a JSON object, or arguments the tool rejects. The
 * messages are OpenHands' (`FunctionCallNotExistsError`, `FunctionCallValidationError`).
 */
export function parseToolCall(call: LlmToolCall): ParsedToolCall {
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
  const parsed = tool.toAction(args as Record<string, unknown>);
  if (!parsed.ok) return parsed;
  return { ok: true, action: parsed.action, securityRisk: securityRiskOf(args as Record<string, unknown>) };
}

/**
 * The model's `security_risk`; UNKNOWN when it gave none or an odd value (OpenHands only logs
 * those, and confirmation mode counts UNKNOWN as HIGH).
 */
function securityRiskOf(args: Record<string, unknown>): SecurityRisk {
  const risk = typeof args.security_risk === 'string' ? args.security_risk.trim().toUpperCase() : '';
  return risk === 'LOW' || risk === 'MEDIUM' || risk === 'HIGH' ? risk : 'UNKNOWN';
}

/** The LLM-facing tool name of an action. */
export function toolNameOf(action: Action): string {
  return TOOL_BY_ACTION[action.type].name;
}

/** The JSON arguments that produce `action`, as the model would have written them. */
export function toolArgumentsOf(action: Action): string {
  return JSON.stringify(TOOL_BY_ACTION[action.type].toArguments(action));
}

/**
 * What the model reads as the result of a call: each tool's own wording of its observation.
 * `action` is the call's action; an observation whose action is not at hand is worded from
 * what it carries.
 */
export function toolOutput(action: Action | undefined, observation: Observation): string {
  switch (observation.type) {
    case 'run_command': {
      const command: RunCommandAction =
        action?.type === 'run_command'
          ? action
          : { type: 'run_command', command: observation.command, session: observation.session };
      return runCommandToolOutput(command, observation);
    }
    case 'file_editor':
      return fileEditorToolOutput(observation);
    case 'think':
    case 'task_tracker':
      return observation.output;
    case 'user_rejected':
      return observation.reason === ''
        ? USER_REJECTED_MESSAGE
        : `${USER_REJECTED_MESSAGE}\nReason: ${observation.reason}`;
    case 'tool_error':
      return observation.message;
  }
}
