import { chown } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandUser } from '../actions/action-context';
import { createShellFixture } from '../testing/shell-fixture';
import { canAddUsers, ensureTestUser } from '../testing/test-user';
import { adoptSupplementaryGroups } from './shell-env';

// Switching users needs root (CI and the sandbox image run as root). The throwaway user is
// created here when missing and removed again afterwards.
const USER_NAME = 'handoff-test';
let user: CommandUser;
let removeUser: () => void = () => undefined;
let originalGroups: number[] = [];

beforeAll(() => {
  if (!canAddUsers) return;
  ({ user, remove: removeUser } = ensureTestUser(USER_NAME));
  originalGroups = process.getgroups?.() ?? [];
  adoptSupplementaryGroups(user);
});

afterAll(() => {
  if (!canAddUsers) return;
  process.setgroups?.(originalGroups);
  removeUser();
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
