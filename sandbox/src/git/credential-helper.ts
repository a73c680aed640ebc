/**
 * @module How a token reaches git: the protocol's credential helper given on git's command line,
 * which reads the user name and token from variables set only in that one git process's
 * environment and answers only for the clone URL's own protocol and host. The token is never in
 * an argument, a URL, a file or `.git/config`.
 */
import { GIT_AUTH_NOT_ONE_LINE, gitCredentialArgs, gitCredentialEnv } from '@handoff/protocol';
import type { GitAuth } from '@handoff/protocol';
import { SandboxError } from '../errors';

export { gitCredentialTarget as credentialTarget } from '@handoff/protocol';

/** `-c` arguments that drop every configured helper and install ours. */
export function credentialArgs(): string[] {
  return gitCredentialArgs(true);
}

/** The variables the helper reads, for the environment of the one git process that needs them. */
export function credentialEnv(url: string, auth: GitAuth): Record<string, string> {
  const env = gitCredentialEnv(url, auth);
  if (env === undefined) throw new SandboxError('invalid_request', GIT_AUTH_NOT_ONE_LINE);
  return env;
}
