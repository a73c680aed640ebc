import type { RunCommandAction, RunCommandObservation } from '@handoff/protocol';
import { MAX_OUTPUT_CHARS } from '../shell/output';
import { runBash } from '../shell/run-bash';
import { resolveCwd } from '../workspace/resolve-cwd';
import type { ActionContext } from './action-context';

/** The hard timeout when the action names none (OpenHands' `sandbox.timeout`). */
export const DEFAULT_TIMEOUT_SEC = 120;

/**
 * Runs a command with bash in the workspace (or `action.cwd` inside it) and reports what it
 * printed and how it ended. A non-zero exit or a timeout is data in the observation; only a
 * refused `cwd` or a bash that cannot start throws.
 */
export async function execute(action: RunCommandAction, ctx: ActionContext): Promise<RunCommandObservation> {
  const cwd = await resolveCwd(ctx.workspace, action.cwd);
  const timeoutSec = action.timeoutSec ?? DEFAULT_TIMEOUT_SEC;
  const result = await runBash({
    command: action.command,
    cwd,
    env: ctx.env,
    timeoutMs: timeoutSec * 1000,
    processGroups: ctx.processGroups,
  });
  const note = result.timedOut ? timeoutNote(timeoutSec) : '';
  return {
    type: 'run_command',
    command: action.command,
    exitCode: result.timedOut ? -1 : result.exitCode,
    output: result.output.render(MAX_OUTPUT_CHARS - note.length) + note,
    timedOut: result.timedOut,
    cwd,
  };
}

/** Appended to the output of a command the timeout killed; the model reads it. */
export function timeoutNote(timeoutSec: number): string {
  return (
    `\n[The command timed out after ${timeoutSec} seconds and was killed. ` +
    'For long-running commands, set a larger timeout, or run them in the background with output redirected to a file.]'
  );
}
