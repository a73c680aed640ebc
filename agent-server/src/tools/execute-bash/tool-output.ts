import type { RunCommandAction, RunCommandObservation, RunCommandStatus } from '@handoff/protocol';

/**
 * Seconds without new output after which the sandbox returns a command that still runs, when
 * the action names none (the protocol's default of `noChangeTimeoutSec`).
 */
export const DEFAULT_SOFT_TIMEOUT_SEC = 30;

// OpenHands `TIMEOUT_MESSAGE_TEMPLATE` (runtime/utils/bash_constants.py), word for word.
const TIMEOUT_MESSAGE_TEMPLATE =
  "You may wait longer to see additional output by sending empty command '', " +
  'send other commands to interact with the current process, ' +
  'send keys ("C-c", "C-z", "C-d") to interrupt/kill the previous command before sending your new command, ' +
  'or use the timeout parameter in execute_bash for future commands.';

/** OpenHands' prefix for output that belongs to a command started by an earlier call. */
export const CONTINUATION_PREFIX = '[Below is the output of the previous command.]\n';
/** OpenHands' answer to an empty command with nothing running. */
export const NO_RUNNING_COMMAND_FOR_LOGS = 'ERROR: No previous running command to retrieve logs from.';
/** OpenHands' answer to input (or a key) with nothing running. */
export const NO_RUNNING_COMMAND_FOR_INPUT = 'ERROR: No previous running command to interact with.';

/** `C-c`, `C-d`, `C-z`, …: sent as a key, without Enter (OpenHands `_is_special_key`). */
export function isControlKey(command: string): boolean {
  const trimmed = command.trim();
  return trimmed.startsWith('C-') && trimmed.length === 3;
}

/** True when the call talks to a command that an earlier call started, rather than starting one. */
function continuesPreviousCommand(action: RunCommandAction): boolean {
  return action.isInput === true || action.command.trim() === '' || isControlKey(action.command);
}

type SuffixBuilder = (action: RunCommandAction, observation: RunCommandObservation) => string;

// The note after the output, per status; OpenHands' words where OpenHands has the situation.
const SUFFIXES = {
  completed: (action, observation) =>
    isControlKey(action.command)
      ? `\n[The command completed with exit code ${observation.exitCode}. CTRL+${action.command.trim().slice(-1).toUpperCase()} was sent.]`
      : `\n[The command completed with exit code ${observation.exitCode}.]`,
  no_change_timeout: (action) =>
    `\n[The command has no new output after ${action.noChangeTimeoutSec ?? DEFAULT_SOFT_TIMEOUT_SEC} seconds. ${TIMEOUT_MESSAGE_TEMPLATE}]`,
  // Unlike OpenHands, the sandbox stops a command at its hard timeout, so the note says so
  // instead of inviting the model to wait for more output.
  hard_timeout: (action) =>
    `\n[The command timed out after ${action.timeoutSec ?? '?'} seconds and was interrupted (CTRL+C was sent). ` +
    'If it needs longer, run it again with a larger "timeout" parameter, or run it in the background with its output redirected to a file.]',
  interrupted: () => '\n[The command was interrupted (CTRL+C was sent) before it completed.]',
  // Nothing ran for these two: the whole answer is worded below instead.
  busy: () => '',
  no_running_command: () => '',
} satisfies Record<RunCommandStatus, SuffixBuilder>;

/** OpenHands' refusal of a new command while one runs, word for word. */
function busyRefusal(action: RunCommandAction): string {
  return (
    `[Your command "${action.command.trim()}" is NOT executed. ` +
    'The previous command is still running - You CANNOT send new commands until the previous command is completed. ' +
    `By setting \`is_input\` to \`true\`, you can interact with the current process: ${TIMEOUT_MESSAGE_TEMPLATE}]`
  );
}

// OpenHands marks output of an earlier command only while that command is still running.
const PREFIXED_WHEN_CONTINUING: ReadonlySet<RunCommandStatus> = new Set([
  'no_change_timeout',
  'hard_timeout',
  'interrupted',
]);

/**
 * What the model reads for a run-command observation, in OpenHands' words
 * (`CmdOutputObservation.to_agent_observation` and the bash session's prefixes and suffixes):
 * output, then the status note, then the working directory and, once the command ended, its
 * exit code. For `busy` and `no_running_command` nothing ran, so the sandbox's output (its own
 * explanation) is replaced by OpenHands' words for the situation.
 */
export function runCommandToolOutput(action: RunCommandAction, observation: RunCommandObservation): string {
  if (observation.status === 'no_running_command') {
    return action.command.trim() === '' ? NO_RUNNING_COMMAND_FOR_LOGS : NO_RUNNING_COMMAND_FOR_INPUT;
  }
  let text: string;
  if (observation.status === 'busy') {
    // No output of this call to show; the running command's comes with the next empty command.
    text = busyRefusal(action);
  } else {
    const continuing = PREFIXED_WHEN_CONTINUING.has(observation.status) && continuesPreviousCommand(action);
    text = `${continuing ? CONTINUATION_PREFIX : ''}${observation.output.trimEnd()}`;
    text += SUFFIXES[observation.status](action, observation);
  }
  if (observation.cwd !== '') text += `\n[Current working directory: ${observation.cwd}]`;
  if (observation.exitCode !== -1) text += `\n[Command finished with exit code ${observation.exitCode}]`;
  return text;
}
