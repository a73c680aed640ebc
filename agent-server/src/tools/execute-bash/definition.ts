import type { Action, RunCommandAction } from '@handoff/protocol';
import { z } from 'zod';
import type { Tool, ToolParseResult } from '../tool';
import { parseArguments } from '../tool';

/** The LLM-facing name (OpenHands `EXECUTE_BASH_TOOL_NAME`). */
export const EXECUTE_BASH_TOOL_NAME = 'execute_bash';

/** The most seconds a command may run (the protocol's limit on `timeoutSec`). */
const MAX_TIMEOUT_SEC = 3600;

// OpenHands `_DETAILED_BASH_DESCRIPTION`, word for word: models were trained on it.
const DESCRIPTION = `Execute a bash command in the terminal within a persistent shell session.


### Command Execution
* One command at a time: You can only execute one bash command at a time. If you need to run multiple commands sequentially, use \`&&\` or \`;\` to chain them together.
* Persistent session: Commands execute in a persistent shell session where environment variables, virtual environments, and working directory persist between commands.
* Soft timeout: Commands have a soft timeout of 10 seconds, once that's reached, you have the option to continue or interrupt the command (see section below for details)
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

const SECURITY_RISK_DESCRIPTION =
  "The LLM's assessment of the safety risk of this action. See the SECURITY_RISK_ASSESSMENT section in the system prompt for risk level definitions.";

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
    security_risk: {
      type: 'string',
      description: SECURITY_RISK_DESCRIPTION,
      enum: ['LOW', 'MEDIUM', 'HIGH'],
    },
  },
  required: ['command'],
};

// Lenient where models commonly drift (booleans for is_input, numbers as strings), strict on meaning.
const ArgumentsSchema = z.object({
  command: z.string(),
  is_input: z.union([z.enum(['true', 'false']), z.boolean()]).optional(),
  timeout: z.coerce.number().positive().max(MAX_TIMEOUT_SEC).optional(),
  security_risk: z.enum(['LOW', 'MEDIUM', 'HIGH']).optional(),
});

// Every command here runs to completion or to its hard timeout, so nothing is ever left running
// to read from or type into; these are OpenHands' words for exactly that situation.
const NO_RUNNING_COMMAND_FOR_LOGS = 'ERROR: No previous running command to retrieve logs from.';
const NO_RUNNING_COMMAND_FOR_INPUT = 'ERROR: No previous running command to interact with.';

function toAction(args: Record<string, unknown>): ToolParseResult {
  const parsed = parseArguments(EXECUTE_BASH_TOOL_NAME, ['command'], ArgumentsSchema, args);
  if (!parsed.ok) return parsed;
  const { command, is_input: isInput, timeout } = parsed.value;
  if (isInput === true || isInput === 'true') return { ok: false, message: NO_RUNNING_COMMAND_FOR_INPUT };
  if (command.trim() === '') return { ok: false, message: NO_RUNNING_COMMAND_FOR_LOGS };
  const action: RunCommandAction = {
    type: 'run_command',
    command,
    ...(timeout === undefined ? {} : { timeoutSec: timeout }),
  };
  return { ok: true, action };
}

function toArguments(action: Action): Record<string, unknown> {
  if (action.type !== 'run_command') throw new Error(`execute_bash cannot replay a ${action.type} action.`);
  return {
    command: action.command,
    ...(action.timeoutSec === undefined ? {} : { timeout: action.timeoutSec }),
  };
}

/** `execute_bash`: runs a command in the sandbox. */
export const executeBashTool: Tool = {
  definition: { name: EXECUTE_BASH_TOOL_NAME, description: DESCRIPTION, parameters: PARAMETERS },
  toAction,
  toArguments,
};
