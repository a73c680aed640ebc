import type { Action, RunCommandAction } from '@handoff/protocol';
import { z } from 'zod';
import type { Tool, ToolParseResult } from '../tool';
import { SECURITY_RISK_PARAMETER, parseArguments } from '../tool';
import { DEFAULT_SOFT_TIMEOUT_SEC } from './tool-output';

/** The LLM-facing name (OpenHands `EXECUTE_BASH_TOOL_NAME`). */
export const EXECUTE_BASH_TOOL_NAME = 'execute_bash';

/** The most seconds a hard timeout may be (the protocol's limit on `timeoutSec`). */
const MAX_TIMEOUT_SEC = 86_400;

// OpenHands `_DETAILED_BASH_DESCRIPTION`, word for word (models were trained on it), except that
// the soft timeout is ours: OpenHands' text says 10 seconds whatever its session uses.
const DESCRIPTION = `Execute a bash command in the terminal within a persistent shell session.


### Command Execution
* One command at a time: You can only execute one bash command at a time. If you need to run multiple commands sequentially, use \`&&\` or \`;\` to chain them together.
* Persistent session: Commands execute in a persistent shell session where environment variables, virtual environments, and working directory persist between commands.
* Soft timeout: Commands have a soft timeout of ${DEFAULT_SOFT_TIMEOUT_SEC} seconds, once that's reached, you have the option to continue or interrupt the command (see section below for details)
* Shell options: Do NOT use \`set -e\`, \`set -eu\`, or \`set -euo pipefail\` in shell scripts or commands in this environment. The runtime may not support them and can cause unusable shell sessions. If you want to run multi-line bash commands, write the commands to a file and then run it, instead.

### Long-running Commands
* For commands that may run indefinitely, run them in the background and redirect output to a file, e.g. \`python3 app.py > server.log 2>&1 &\`.
* For commands that may run for a long time (e.g. installation or testing commands), or commands that run for a fixed amount of time (e.g. sleep), you should set the "timeout" parameter of your function call to an appropriate value.
* If a bash command returns exit code \`-1\`, this means the process hit the soft timeout and is not yet finished. By setting \`is_input\` to \`true\`, you can:
  - Send empty \`command\` to retrieve additional logs
  - Send text (set \`command\` to the text) to STDIN of the running process
  - Send control commands like \`C-c\` (Ctrl+C), \`C-d\` (Ctrl+D), or \`C-z\` (Ctrl+Z) to interrupt the process
  - If you do C-c, you can re-start the process with a longer "timeout" parameter to let it run to completion

### Best Practices
* Directory verification: Before creating new directories or files, first verify the parent directory exists and is the correct location.
* Directory management: Try to maintain working directory by using absolute paths and avoiding excessive use of \`cd\`.

### Output Handling
* Output truncation: If the output exceeds a maximum length, it will be truncated before being returned.
`;

// OpenHands `create_cmd_run_tool` parameters, word for word.
const PARAMETERS = {
  type: 'object',
  properties: {
    command: {
      type: 'string',
      description:
        'The bash command to execute. Can be empty string to view additional logs when previous exit code is `-1`. Can be `C-c` (Ctrl+C) to interrupt the currently running process. Note: You can only execute one bash command at a time. If you need to run multiple commands sequentially, you can use `&&` or `;` to chain them together.',
    },
    is_input: {
      type: 'string',
      description:
        'If True, the command is an input to the running process. If False, the command is a bash command to be executed in the terminal. Default is False.',
      enum: ['true', 'false'],
    },
    timeout: {
      type: 'number',
      description:
        'Optional. Sets a hard timeout in seconds for the command execution. If not provided, the command will use the default soft timeout behavior.',
    },
    security_risk: SECURITY_RISK_PARAMETER,
  },
  required: ['command', 'security_risk'],
};

// Lenient where models commonly drift (booleans for is_input, numbers as strings, a missing or
// odd security_risk, which OpenHands only logs), strict on meaning.
const ArgumentsSchema = z.object({
  command: z.string().max(100_000),
  is_input: z.union([z.enum(['true', 'false']), z.boolean()]).optional(),
  timeout: z.union([z.number(), z.string(), z.null()]).optional(),
});

/**
 * The hard timeout, as OpenHands reads it: a number or a numeric string; 0 or less means none.
 * The error texts are OpenHands' (`Invalid float passed to 'timeout' argument`).
 */
function parseTimeout(
  timeout: number | string | null | undefined,
): { ok: true; value?: number } | { ok: false; message: string } {
  if (timeout === undefined || timeout === null || timeout === '') return { ok: true };
  const value = typeof timeout === 'number' ? timeout : Number(timeout.trim());
  if (!Number.isFinite(value))
    return { ok: false, message: `Invalid float passed to 'timeout' argument: ${String(timeout)}` };
  if (value > MAX_TIMEOUT_SEC) {
    return {
      ok: false,
      message: `Invalid value for argument "timeout" in tool call ${EXECUTE_BASH_TOOL_NAME}: at most ${MAX_TIMEOUT_SEC} seconds`,
    };
  }
  return value > 0 ? { ok: true, value } : { ok: true };
}

function toAction(args: Record<string, unknown>): ToolParseResult {
  const parsed = parseArguments(EXECUTE_BASH_TOOL_NAME, ['command'], ArgumentsSchema, args);
  if (!parsed.ok) return parsed;
  const { command, is_input: isInput } = parsed.value;
  const timeout = parseTimeout(parsed.value.timeout);
  if (!timeout.ok) return timeout;
  const action: RunCommandAction = {
    type: 'run_command',
    command,
    ...(isInput === true || isInput === 'true' ? { isInput: true } : {}),
    ...(timeout.value === undefined ? {} : { timeoutSec: timeout.value }),
  };
  return { ok: true, action };
}

function toArguments(action: Action): Record<string, unknown> {
  if (action.type !== 'run_command') throw new Error(`execute_bash cannot replay a ${action.type} action.`);
  return {
    command: action.command,
    ...(action.isInput === true ? { is_input: 'true' } : {}),
    ...(action.timeoutSec === undefined ? {} : { timeout: action.timeoutSec }),
  };
}

/** `execute_bash`: runs a command, or talks to the running one, in a persistent bash session. */
export const executeBashTool: Tool = {
  name: EXECUTE_BASH_TOOL_NAME,
  definition: () => ({ name: EXECUTE_BASH_TOOL_NAME, description: DESCRIPTION, parameters: PARAMETERS }),
  toAction,
  toArguments,
};
