import type { ErrorCode } from '@handoff/protocol';
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

const PERMISSION_DENIED =
  /\b(401|403)\b|Authentication failed|Permission to .* denied|returned error: 403|could not read (Username|Password)|Invalid username or (password|token)/i;
const NOT_FOUND =
  /\b404\b|Repository not found|not found|does not appear to be a git repository|does not exist/i;

/**
 * The error for a failed git call: refused credentials are `git_permission_denied`, a missing
 * repository `git_remote_not_found`, anything else `git_failed`. The message says what to do and
 * quotes git's last stderr lines, with the token and any URL credentials scrubbed.
 */
export function gitFailure(step: GitStep, result: GitResult): AgentServerError {
  const said = lastLines(scrub(result.stderr, step.secrets));
  const quote = said === '' ? '' : ` Git said: ${said}`;
  if (result.timedOut)
    return new AgentServerError('git_failed', `${step.what} took too long and was stopped.${quote}`);
  if (result.aborted)
    return new AgentServerError('git_failed', `${step.what} was cancelled: the client went away.`);
  const code: ErrorCode = PERMISSION_DENIED.test(result.stderr)
    ? 'git_permission_denied'
    : NOT_FOUND.test(result.stderr)
      ? 'git_remote_not_found'
      : 'git_failed';
  const advice =
    code === 'git_permission_denied'
      ? step.denied
      : code === 'git_remote_not_found'
        ? 'the repository was not found. Check the clone URL, and for a private repository give a token that can see it.'
        : "see git's message below.";
  return new AgentServerError(code, `${step.what} failed: ${advice}${quote}`);
}

/** `text` without the secret values and without credentials in URLs. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret !== '') result = result.split(secret).join('***');
  return result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/** The last three non-empty lines, joined, each cut to 300 characters. */
function lastLines(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-3)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join(' / ');
}
