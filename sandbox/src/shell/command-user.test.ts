import { spawnSync } from 'node:child_process';
import { chown } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandUser } from '../actions/action-context';
import { systemHost } from '../config';
import { createShellFixture } from '../testing/shell-fixture';
import { adoptSupplementaryGroups } from './shell-env';

// Switching users needs root (CI and the sandbox image run as root). The throwaway user is
// created here when missing and removed again afterwards.
const USER_NAME = 'handoff-test';
const isRoot = process.getuid?.() === 0;
const canAddUsers = isRoot && spawnSync('useradd', ['--help']).status === 0;
let created = false;
let user: CommandUser;
let originalGroups: number[] = [];

beforeAll(() => {
  if (!canAddUsers) return;
  if (systemHost.lookUpUser(USER_NAME) === undefined) {
    const added = spawnSync('useradd', ['--user-group', '--create-home', USER_NAME], { encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`useradd failed: ${added.stderr}`);
    created = true;
  }
  const found = systemHost.lookUpUser(USER_NAME);
  if (found === undefined) throw new Error(`${USER_NAME} was not created`);
  user = found;
  originalGroups = process.getgroups?.() ?? [];
  adoptSupplementaryGroups(user);
});

afterAll(() => {
  if (!canAddUsers) return;
  process.setgroups?.(originalGroups);
  if (created) spawnSync('userdel', ['--remove', USER_NAME]);
});

describe.skipIf(!canAddUsers)('commands as HANDOFF_COMMAND_USER (needs root and useradd)', () => {
  it('run as that user, with its groups only, its HOME, USER and LOGNAME, and no HANDOFF_*', async () => {
    const shell = await createShellFixture({
      commandUser: user,
      env: { ...process.env, HANDOFF_SESSION_API_KEY: 'secret-session-key-0123456789' },
    });
    try {
      await chown(shell.workspace, user.uid, user.gid);
      const observation = await shell.run(
        'id -u; id -g; id -G; echo "$HOME $USER $LOGNAME"; touch mine; stat -c %u:%g mine; env',
      );
      const lines = observation.output.split('\n');
      expect(lines.slice(0, 5)).toEqual([
        String(user.uid),
        String(user.gid),
        String(user.gid),
        `${user.home} ${USER_NAME} ${USER_NAME}`,
        `${user.uid}:${user.gid}`,
      ]);
      expect(observation.output).not.toContain('HANDOFF_');
      expect(observation.output).not.toContain('secret-session-key');
      expect((await shell.run('touch /root/not-allowed')).exitCode).not.toBe(0);
    } finally {
      await shell.dispose();
    }
  });
});
