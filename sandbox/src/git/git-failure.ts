import type { ErrorCode } from '@handoff/protocol';
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

const PERMISSION_DENIED =
  /\b(401|403)\b|Authentication failed|Permission to .* denied|returned error: 403|could not read (Username|Password)|Invalid username or (password|token)/i;
const NOT_FOUND =
  /\b404\b|Repository not found|not found|does not appear to be a git repository|does not exist/i;

/**
 * The error for a git call that failed: refused credentials are `git_permission_denied`, a
 * missing repository (or branch) `git_remote_not_found`, anything else `git_failed`. The message
 * says what to do and quotes git's last stderr lines, with every secret and URL credential
 * scrubbed.
 */
export function gitFailure(step: GitStep, result: ProcessResult): SandboxError {
  const said = lastLines(scrub(result.stderr, step.secrets ?? []));
  const quote = said === '' ? '' : ` Git said: ${said}`;
  if (result.timedOut)
    return new SandboxError('git_failed', `${step.what} took too long and was stopped.${quote}`);
  if (result.aborted)
    return new SandboxError('git_failed', `${step.what} was cancelled: the client went away.`);
  const code = classify(result.stderr);
  return new SandboxError(code, `${step.what} failed: ${advice(code, step)}${quote}`);
}

function classify(stderr: string): ErrorCode {
  if (PERMISSION_DENIED.test(stderr)) return 'git_permission_denied';
  if (NOT_FOUND.test(stderr)) return 'git_remote_not_found';
  return 'git_failed';
}

function advice(code: ErrorCode, step: GitStep): string {
  if (code === 'git_permission_denied')
    return 'the remote refused the credentials. Give a token (in "auth") that can read the repository.';
  if (code === 'git_remote_not_found')
    return 'the repository or branch was not found. Check the URL and branch, and for a private repository give a token that can see it.';
  return step.advice ?? "see git's message below.";
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
