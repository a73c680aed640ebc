import { gitProcessEnv } from '@handoff/protocol';
import os from 'node:os';
import type { CommandUser } from '../actions/action-context';

/**
 * The whole environment of a git process (the protocol's `gitProcessEnv`), with the command
 * user's home, else the server's, as HOME.
 */
export function gitEnv(serverEnv: NodeJS.ProcessEnv, user: CommandUser | undefined): Record<string, string> {
  return gitProcessEnv(serverEnv, user?.home ?? serverEnv['HOME'] ?? os.homedir());
}

/**
 * Settings every git call on the workspace starts with: the agent may have written hooks, an
 * fsmonitor command or signing into `.git`, and none of them may run from the sandbox's own git.
 * `safe.directory` lets the server read a repository the command user owns.
 */
export function workspaceFlags(workspace: string): string[] {
  return [
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'core.fsmonitor=false',
    '-c',
    `safe.directory=${workspace}`,
    '-c',
    'commit.gpgSign=false',
    '-c',
    'core.pager=cat',
  ];
}
