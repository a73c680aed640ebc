import type { Observation, RunCommandAction, RunCommandObservation } from '@handoff/protocol';
import type { SandboxClient } from '../../sandbox/sandbox-client';
import { SandboxClientError } from '../../sandbox/sandbox-client';

/**
 * Runs `execute_bash` in the sandbox. A failure of the sandbox itself becomes a `tool_error`
 * observation the model can react to; an abort (the user interrupted) or a bug rejects.
 */
export async function executeBash(
  action: RunCommandAction,
  sandbox: SandboxClient,
  options: { signal: AbortSignal; requestId: string },
): Promise<Observation> {
  try {
    return await sandbox.execute(action, options);
  } catch (error) {
    if (options.signal.aborted || !(error instanceof SandboxClientError)) throw error;
    return { type: 'tool_error', message: `The sandbox could not run the command: ${error.message}` };
  }
}

/**
 * What the model reads for a finished command, in OpenHands' words
 * (`CmdOutputObservation.to_agent_observation`). A command killed by its timeout already
 * carries the sandbox's note in its output.
 */
export function formatRunCommandObservation(observation: RunCommandObservation): string {
  const output = observation.output.replace(/\n+$/, '');
  const suffix = observation.timedOut
    ? ''
    : `\n[The command completed with exit code ${observation.exitCode}.]`;
  return `${output}${suffix}\n[Current working directory: ${observation.cwd}]`;
}
