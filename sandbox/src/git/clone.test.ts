import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeTracker } from '../changes/change-tracker';
import { SandboxError } from '../errors';
import { FIXTURE_FILES, createGitFixture, git } from '../testing/git-fixture';
import type { GitFixture } from '../testing/git-fixture';
import { RecordingLogger } from '../testing/recording-logger';
import { AGENT_IDENTITY, cloneRepository } from './clone';
import { BASE_REF } from './workspace-git';

const TOKEN = 'ghs_clonetesttoken0123456789';
let fixture: GitFixture;
let logger: RecordingLogger;

beforeEach(async () => {
  fixture = await createGitFixture();
  logger = new RecordingLogger();
});

afterEach(async () => {
  await fixture.dispose();
});

const options = () => ({ workspace: fixture.workspace, env: process.env, logger });

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SandboxError)) throw new Error(`expected a SandboxError, got ${String(error)}`);
  return error;
}

describe('cloneRepository', () => {
  it('clones the default branch, keeps the remote URL clean and records the base commit', async () => {
    const response = await cloneRepository({ url: fixture.remote, auth: { token: TOKEN } }, options());
    expect(response).toEqual({
      branch: 'main',
      commit: fixture.mainCommit,
      files: Object.keys(FIXTURE_FILES).length,
    });
    const ws = fixture.workspace;
    expect(git(ws, ['config', '--get-all', 'remote.origin.url'])).toBe(`${fixture.remote}\n`);
    expect(await readFile(path.join(ws, '.git', 'config'), 'utf8')).not.toContain(TOKEN);
    expect(git(ws, ['rev-parse', BASE_REF]).trim()).toBe(fixture.mainCommit);
    expect(git(ws, ['config', 'user.name']).trim()).toBe(AGENT_IDENTITY.name);
    expect(git(ws, ['config', 'user.email']).trim()).toBe(AGENT_IDENTITY.email);
    expect(await readFile(path.join(ws, 'src', 'sum.js'), 'utf8')).toBe(FIXTURE_FILES['src/sum.js']);
    expect(git(ws, ['status', '--porcelain'])).toBe('');
  });

  it('checks out the branch asked for, shallow when a depth is given', async () => {
    const response = await cloneRepository(
      { url: `file://${fixture.remote}`, branch: 'feature', depth: 1 },
      options(),
    );
    expect(response.branch).toBe('feature');
    expect(response.files).toBe(Object.keys(FIXTURE_FILES).length + 1);
    expect(git(fixture.workspace, ['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
  });

  it('refuses a workspace that is not empty with workspace_conflict naming what is there, and leaves it as it was', async () => {
    await writeFile(path.join(fixture.workspace, 'notes.txt'), 'mine\n');
    const error = await failure(cloneRepository({ url: fixture.remote }, options()));
    expect(error.code).toBe('workspace_conflict');
    expect(error.status).toBe(409);
    expect(error.message).toContain('"notes.txt"');
    expect(await readdir(fixture.workspace)).toEqual(['notes.txt']);
  });

  it('answers a repository that does not exist with git_remote_not_found, and leaves the workspace empty', async () => {
    const error = await failure(cloneRepository({ url: `${fixture.remote}-missing` }, options()));
    expect(error.code).toBe('git_remote_not_found');
    expect(error.message).toContain('Git said:');
    expect(await readdir(fixture.workspace)).toEqual([]);
  });

  it('answers a branch that does not exist with git_remote_not_found naming it', async () => {
    const error = await failure(cloneRepository({ url: fixture.remote, branch: 'nope' }, options()));
    expect(error.code).toBe('git_remote_not_found');
    expect(error.message).toContain('nope');
    expect(await readdir(fixture.workspace)).toEqual([]);
  });

  it("is not reported as the agent's changes, and .git never is", async () => {
    const changes = new ChangeTracker({ workspace: fixture.workspace, logger });
    try {
      await changes.start();
      await cloneRepository({ url: fixture.remote }, { ...options(), changes });
      expect(await changes.scan()).toEqual([]);
      await writeFile(path.join(fixture.workspace, 'src', 'new.js'), 'new\n');
      git(fixture.workspace, ['add', '-A']);
      expect((await changes.scan()).map(({ path: at, kind }) => ({ at, kind }))).toEqual([
        { at: 'src/new.js', kind: 'created' },
      ]);
    } finally {
      await changes.close();
    }
  });
});
