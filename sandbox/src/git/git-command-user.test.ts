import { chmod, chown, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandUser } from '../actions/action-context';
import { createGitFixture } from '../testing/git-fixture';
import type { GitFixture } from '../testing/git-fixture';
import { RecordingLogger } from '../testing/recording-logger';
import { canAddUsers, ensureTestUser } from '../testing/test-user';
import { workspaceChanges } from './changes';
import { cloneRepository } from './clone';
import { commitWorkspace } from './commit';

// Switching users needs root; the throwaway user is created here when missing and removed afterwards.
const USER_NAME = 'handoff-git-test';
let user: CommandUser;
let removeUser: () => void = () => undefined;
let fixture: GitFixture;

beforeAll(async () => {
  if (!canAddUsers) return;
  ({ user, remove: removeUser } = ensureTestUser(USER_NAME));
  fixture = await createGitFixture();
  await chmod(path.dirname(fixture.workspace), 0o755);
  await chown(fixture.workspace, user.uid, user.gid);
});

afterAll(async () => {
  if (!canAddUsers) return;
  await fixture.dispose();
  removeUser();
});

describe.skipIf(!canAddUsers)('git for a command user (needs root and useradd)', () => {
  it('gives the clone to the command user, and runs the workspace git as that user', async () => {
    const ctx = { workspace: fixture.workspace, env: process.env, commandUser: user };
    await cloneRepository({ url: fixture.remote }, { ...ctx, logger: new RecordingLogger() });
    for (const name of ['.git', '.git/config', '.git/objects', 'src/sum.js']) {
      expect((await stat(path.join(fixture.workspace, name))).uid).toBe(user.uid);
    }
    await writeFile(path.join(fixture.workspace, 'fix.txt'), 'fixed\n');
    expect((await workspaceChanges(ctx)).files).toEqual([{ path: 'fix.txt', status: 'added' }]);
    const author = { name: 'A', email: 'a@example.com' };
    const response = await commitWorkspace({ branch: 'fix', message: 'Fix', author }, ctx);
    expect((await stat(response.bundlePath)).uid).toBe(user.uid);
    expect((await stat(path.join(fixture.workspace, '.git', 'index'))).uid).toBe(user.uid);
  });
});
