/**
 * @module How a token reaches the agent server's git: the protocol's credential helper given on
 * git's command line, which reads the user name and token from variables set only in that one
 * git process's environment, and answers only for the remote's own protocol and host (a redirect
 * elsewhere gets nothing). The token is never in an argument, a URL or a file.
 */
import { GIT_AUTH_NOT_ONE_LINE, gitCredentialArgs, gitCredentialEnv } from '@handoff/protocol';
import type { GitAuth } from '@handoff/protocol';
import { AgentServerError } from '../errors';

/** `-c` arguments that drop every configured helper and, with `auth`, install ours. */
export function credentialArgs(auth: GitAuth | undefined): string[] {
  return gitCredentialArgs(auth !== undefined);
}

/** The variables the helper reads, for the environment of the one git process that needs them. */
export function credentialEnv(url: string, auth: GitAuth | undefined): Record<string, string> {
  if (auth === undefined) return {};
  const env = gitCredentialEnv(url, auth);
  if (env === undefined) throw new AgentServerError('invalid_request', GIT_AUTH_NOT_ONE_LINE);
  return env;
}
