import { spawnSync } from 'node:child_process';
import type { CommandUser } from '../actions/action-context';
import { shellQuote } from './prompt-marker';

/** Variables a session's rc file owns; inherited values would be exported to every command. */
const OWNED_BY_RC = new Set(['PROMPT_COMMAND', 'PS0', 'PS1', 'PS2', 'PS4', 'BASH_ENV', 'ENV', 'HISTFILE']);

/**
 * What a terminal for an agent needs: no pagers (they would wait for a key), a terminal type
 * that keeps programs from drawing with cursor moves, and UTF-8 unless a locale is chosen.
 */
const AGENT_TERMINAL = {
  TERM: 'dumb',
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  MANPAGER: 'cat',
  SYSTEMD_PAGER: 'cat',
} as const;

/**
 * The environment of a session's bash: `env` (already free of `HANDOFF_*`) without the
 * variables the rc file owns or exported shell functions, plus the agent terminal settings and,
 * for a command user, that user's HOME, USER and LOGNAME.
 */
export function shellEnv(env: NodeJS.ProcessEnv, user: CommandUser | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !OWNED_BY_RC.has(name) && !name.startsWith('BASH_FUNC_')) result[name] = value;
  }
  Object.assign(result, AGENT_TERMINAL);
  if (result['LANG'] === undefined && result['LC_ALL'] === undefined && result['LC_CTYPE'] === undefined) {
    result['LANG'] = 'C.UTF-8';
  }
  if (user !== undefined) {
    result['HOME'] = user.home;
    result['USER'] = user.name;
    result['LOGNAME'] = user.name;
  }
  return result;
}

/**
 * Gives this process the command user's supplementary groups (as `initgroups(3)` would). node-pty
 * only sets a child's uid and gid, so without this its shells would keep root's groups; root
 * itself is unaffected, its rights do not come from groups. Call once, as root, before the first
 * session starts.
 */
export function adoptSupplementaryGroups(user: CommandUser): void {
  const listed = spawnSync('id', ['-G', user.name], { encoding: 'utf8' });
  const groups = listed.status === 0 ? listed.stdout.trim().split(/\s+/).map(Number) : [];
  process.setgroups?.([...new Set([user.gid, ...groups.filter((gid) => Number.isInteger(gid))])]);
}

/** Bash's own read-only variables: a session could not take another value for them. */
const BASH_READ_ONLY = new Set(['BASHOPTS', 'BASH_VERSINFO', 'EUID', 'PPID', 'SHELLOPTS', 'UID']);

/**
 * Why `name` cannot be set for commands (`PUT /environment`), or undefined when it can:
 * `HANDOFF_*` belongs to the sandbox's services, the rest to the session's shell.
 */
export function refusedVariable(name: string): string | undefined {
  if (name.toUpperCase().startsWith('HANDOFF_')) return 'HANDOFF_* names belong to the sandbox itself';
  if (OWNED_BY_RC.has(name) || BASH_READ_ONLY.has(name) || name.startsWith('BASH_FUNC_')) {
    return "the sandbox's shell sets it itself";
  }
  return undefined;
}

/**
 * The script that brings a running shell to environment `after` for the variables of
 * `PUT /environment`: every name in `set` is exported with its value in `after`; every name in
 * `dropped` (set by an earlier call, not by this one) gets its value in `after` back (the
 * server's own) or is unset.
 */
export function environmentUpdate(
  after: Record<string, string>,
  set: readonly string[],
  dropped: readonly string[],
): string {
  const lines = set.map((name) => `export ${name}=${shellQuote(after[name] ?? '')}`);
  for (const name of dropped) {
    const value = after[name];
    lines.push(value === undefined ? `unset -v ${name}` : `export ${name}=${shellQuote(value)}`);
  }
  return lines.join('\n');
}
