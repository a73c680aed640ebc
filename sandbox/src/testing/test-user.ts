/**
 * @module A throwaway local user for the tests that run commands as a command user: switching
 * users needs root (CI and the sandbox image run as root) and `useradd`. The user is created when
 * missing and removed again only when this process created it.
 */
import { spawnSync } from 'node:child_process';
import type { CommandUser } from '../actions/action-context';
import { systemHost } from '../config';

/** Whether this machine lets a test create users (root with `useradd`). */
export const canAddUsers = process.getuid?.() === 0 && spawnSync('useradd', ['--help']).status === 0;

/** The user `name`, created (with its group and home) when missing; `remove()` undoes the creation. */
export function ensureTestUser(name: string): { user: CommandUser; remove: () => void } {
  let created = false;
  if (systemHost.lookUpUser(name) === undefined) {
    const added = spawnSync('useradd', ['--user-group', '--create-home', name], { encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`useradd failed: ${added.stderr}`);
    created = true;
  }
  const user = systemHost.lookUpUser(name);
  if (user === undefined) throw new Error(`${name} was not created`);
  return {
    user,
    remove: () => {
      if (created) spawnSync('userdel', ['--remove', name]);
    },
  };
}
