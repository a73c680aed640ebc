import { classifyGitFailure, lastGitLines, scrubGitOutput } from '@handoff/protocol';
import type { ErrorCode } from '@handoff/protocol';

export { scrubGitOutput as scrub } from '@handoff/protocol';
import { SandboxError } from '../errors';
import type { ProcessResult } from './run-git';

/** What a failed git call was doing, for its error message. */
export interface GitStep {
  /** E.g. `Cloning https://github.com/acme/widgets.git`. */
  what: string;
  /** What to do about a failure that is neither refused credentials nor a missing repository. */
  advice?: string;
  /** Values that must never appear in a message (the token), scrubbed even so. */
  secrets?: readonly string[];
}


/**
 * The error for a git call that failed: refused credentials are `git_permission_denied`, a
 * missing repository (or branch) `git_remote_not_found`, anything else `git_failed`. The message
 * says what to do and quotes git's last stderr lines, with every secret and URL credential
 * scrubbed.
 */
export function gitFailure(step: GitStep, result: ProcessResult): SandboxError {
  const said = lastGitLines(scrubGitOutput(result.stderr, step.secrets ?? []));
  const quote = said === '' ? '' : ` Git said: ${said}`;
  if (result.timedOut)
    return new SandboxError('git_failed', `${step.what} took too long and was stopped.${quote}`);
  if (result.aborted)
    return new SandboxError('git_failed', `${step.what} was cancelled: the client went away.`);
  const code = classifyGitFailure(result.stderr);
  return new SandboxError(code, `${step.what} failed: ${advice(code, step)}${quote}`);
}


function advice(code: ErrorCode, step: GitStep): string {
  if (code === 'git_permission_denied')
    return 'the remote refused the credentials. Give a token (in "auth") that can read the repository.';
  if (code === 'git_remote_not_found')
    return 'the repository or branch was not found. Check the URL and branch, and for a private repository give a token that can see it.';
  return step.advice ?? "see git's message below.";
}


