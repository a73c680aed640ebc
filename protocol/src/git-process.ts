/**
 * @module Pure rules for running git with a token, shared by the action server (clone) and the
 * agent server (push): the credential helper given on git's command line, the variables it reads
 * (set only in the environment of the one git process that needs them), which variables of a
 * server's environment git may see, and how git's stderr maps to an error code. No I/O here.
 */
import type { GitAuth } from './channels/git-http';
import { DEFAULT_GIT_USERNAME } from './channels/git-http';
import type { ErrorCode } from './errors';

const USERNAME_VAR = 'HANDOFF_GIT_USERNAME';
const PASSWORD_VAR = 'HANDOFF_GIT_PASSWORD';
const PROTOCOL_VAR = 'HANDOFF_GIT_PROTOCOL';
const HOST_VAR = 'HANDOFF_GIT_HOST';

/**
 * The helper, run by git as `sh -c '<this> get|store|erase'`. It reads git's request up to the
 * blank line, and only for `get` of the expected protocol and host (with port) prints the
 * credentials: a redirect to another host gets nothing.
 */
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

/** `-c` arguments that drop every configured credential helper and, `withToken`, install ours. */
export function gitCredentialArgs(withToken: boolean): string[] {
  const reset = ['-c', 'credential.helper='];
  return withToken ? [...reset, '-c', `credential.helper=!${HELPER}`] : reset;
}

/** The protocol and host (with port, as written) git will ask credentials for. */
export function gitCredentialTarget(url: string): { protocol: string; host: string } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  return { protocol: match?.[1] ?? '', host: match?.[2] ?? '' };
}

/**
 * The variables the helper reads, for the environment of the one git process that talks to
 * `url`; undefined when the token or user name is not one line (git's credential protocol is
 * line-based: a newline would inject another attribute).
 */
export function gitCredentialEnv(url: string, auth: GitAuth): Record<string, string> | undefined {
  const username = auth.username ?? DEFAULT_GIT_USERNAME;
  if (/[\0\r\n]/.test(auth.token) || /[\0\r\n]/.test(username)) return undefined;
  const target = gitCredentialTarget(url);
  return {
    [USERNAME_VAR]: username,
    [PASSWORD_VAR]: auth.token,
    [PROTOCOL_VAR]: target.protocol,
    [HOST_VAR]: target.host,
  };
}

/** The message for a token or user name that is not one line. */
export const GIT_AUTH_NOT_ONE_LINE = 'The token and user name in "auth" must be one line each.';

/** Variables git may take from a server's environment: how to reach the network, nothing else. */
const GIT_PASSED_THROUGH_ENV: readonly string[] = [
  'PATH',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
];

/** PATH for git when the server's environment has none. */
const DEFAULT_GIT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment of a git process, built from scratch: the network variables of
 * `serverEnv` (and its PATH), `home` as HOME, no system or global config (so neither an image's
 * nor a home folder the agent can write steers git), no prompts, and the C locale (git's messages
 * are matched in English).
 */
export function gitProcessEnv(
  serverEnv: Readonly<Record<string, string | undefined>>,
  home: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of GIT_PASSED_THROUGH_ENV) {
    const value = serverEnv[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  env['PATH'] ??= DEFAULT_GIT_PATH;
  return {
    ...env,
    HOME: home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

const PERMISSION_DENIED =
  /\b(401|403)\b|Authentication failed|Permission to .* denied|returned error: 403|could not read (Username|Password)|Invalid username or (password|token)/i;
const NOT_FOUND = /\b404\b|Repository not found|not found|does not appear to be a git repository|does not exist/i;

/** Refused credentials, a missing repository, or anything else, from git's stderr (C locale). */
export function classifyGitFailure(stderr: string): Extract<ErrorCode, 'git_permission_denied' | 'git_remote_not_found' | 'git_failed'> {
  if (PERMISSION_DENIED.test(stderr)) return 'git_permission_denied';
  if (NOT_FOUND.test(stderr)) return 'git_remote_not_found';
  return 'git_failed';
}

/** `text` without the secret values and without credentials in URLs. */
export function scrubGitOutput(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret !== '') result = result.split(secret).join('***');
  return result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/** What git said last: its last three non-empty stderr lines, joined, each cut to 300 characters. */
export function lastGitLines(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-3)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join(' / ');
}
