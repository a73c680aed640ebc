/**
 * @module How a token reaches the agent server's git: a credential helper given on git's command
 * line, which reads the user name and token from variables set only in that one git process's
 * environment, and answers only for the remote's own protocol and host (a redirect elsewhere
 * gets nothing). The token is never in an argument, a URL or a file.
 */
import type { GitAuth } from '@handoff/protocol';
import { DEFAULT_GIT_USERNAME } from '@handoff/protocol';
import { AgentServerError } from '../errors';

const USERNAME_VAR = 'HANDOFF_GIT_USERNAME';
const PASSWORD_VAR = 'HANDOFF_GIT_PASSWORD';
const PROTOCOL_VAR = 'HANDOFF_GIT_PROTOCOL';
const HOST_VAR = 'HANDOFF_GIT_HOST';

/** Run by git as `sh -c '<this> get|store|erase'`; prints credentials for `get` of the expected remote only. */
const HELPER = [
  'f() {',
  'test "$1" = get || { cat >/dev/null; return 0; };',
  'p=; h=;',
  'while IFS= read -r l && test -n "$l"; do',
  'case "$l" in protocol=*) p="${l#protocol=}";; host=*) h="${l#host=}";; esac;',
  'done;',
  `test "$p" = "$${PROTOCOL_VAR}" && test "$h" = "$${HOST_VAR}" || return 0;`,
  `printf 'username=%s\\npassword=%s\\n' "$${USERNAME_VAR}" "$${PASSWORD_VAR}";`,
  '}; f',
].join(' ');

/** `-c` arguments that drop every configured helper and, with `auth`, install ours. */
export function credentialArgs(auth: GitAuth | undefined): string[] {
  const reset = ['-c', 'credential.helper='];
  return auth === undefined ? reset : [...reset, '-c', `credential.helper=!${HELPER}`];
}

/** The variables the helper reads, for the environment of the one git process that needs them. */
export function credentialEnv(url: string, auth: GitAuth | undefined): Record<string, string> {
  if (auth === undefined) return {};
  const username = auth.username ?? DEFAULT_GIT_USERNAME;
  // Git's credential protocol is line-based: a newline would inject another attribute.
  if (/[\0\r\n]/.test(auth.token) || /[\0\r\n]/.test(username)) {
    throw new AgentServerError('invalid_request', 'The token and user name in "auth" must be one line each.');
  }
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  return {
    [USERNAME_VAR]: username,
    [PASSWORD_VAR]: auth.token,
    [PROTOCOL_VAR]: match?.[1] ?? '',
    [HOST_VAR]: match?.[2] ?? '',
  };
}
