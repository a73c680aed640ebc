import { GIT_PASSED_THROUGH_ENV } from '@handoff/protocol';
import os from 'node:os';
import type { CommandUser } from '../actions/action-context';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment of a git process, built from scratch: no system or global config (so
 * neither the image's nor a home folder the agent can write steers git), no prompts, C locale
 * (git's messages are matched in English), and the network variables of `serverEnv`.
 */
export function gitEnv(serverEnv: NodeJS.ProcessEnv, user: CommandUser | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of GIT_PASSED_THROUGH_ENV) {
    const value = serverEnv[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  env['PATH'] ??= DEFAULT_PATH;
  return {
    ...env,
    HOME: user?.home ?? serverEnv['HOME'] ?? os.homedir(),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
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
