import { classifyGitFailure, lastGitLines, scrubGitOutput } from '@handoff/protocol';
import type { ErrorCode } from '@handoff/protocol';

export { scrubGitOutput as scrub } from '@handoff/protocol';
import { AgentServerError } from '../errors';
import type { GitResult } from './run-git';

/** What a failed git call was doing, for its error message. */
export interface GitStep {
  /** E.g. `Pushing branch "fix" to https://github.com/acme/widgets.git`. */
  what: string;
  /** The message for refused credentials (what the token cannot do). */
  denied: string;
  /** Values that must never appear in a message (the token), scrubbed even so. */
  secrets: readonly string[];
}


/**
 * The error for a failed git call: refused credentials are `git_permission_denied`, a missing
 * repository `git_remote_not_found`, anything else `git_failed`. The message says what to do and
 * quotes git's last stderr lines, with the token and any URL credentials scrubbed.
 */
export function gitFailure(step: GitStep, result: GitResult): AgentServerError {
  const said = lastGitLines(scrubGitOutput(result.stderr, step.secrets));
  const quote = said === '' ? '' : ` Git said: ${said}`;
  if (result.timedOut)
    return new AgentServerError('git_failed', `${step.what} took too long and was stopped.${quote}`);
  if (result.aborted)
    return new AgentServerError('git_failed', `${step.what} was cancelled: the client went away.`);
  const code: ErrorCode = classifyGitFailure(result.stderr);
  const advice =
    code === 'git_permission_denied'
      ? step.denied
      : code === 'git_remote_not_found'
        ? 'the repository was not found. Check the clone URL, and for a private repository give a token that can see it.'
        : "see git's message below.";
  return new AgentServerError(code, `${step.what} failed: ${advice}${quote}`);
}


