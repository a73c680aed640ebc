import { spawnSync } from 'node:child_process';
import type { CommandUser } from '../actions/action-context';

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
