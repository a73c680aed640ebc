import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_GIT_PATCH_BYTES } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors';
import { FIXTURE_FILES, createGitFixture, git } from '../testing/git-fixture';
import type { GitFixture } from '../testing/git-fixture';
import { RecordingLogger } from '../testing/recording-logger';
import { workspaceChanges } from './changes';
import { cloneRepository } from './clone';

let fixture: GitFixture;
let ctx: { workspace: string; env: NodeJS.ProcessEnv };

beforeEach(async () => {
  fixture = await createGitFixture();
  ctx = { workspace: fixture.workspace, env: process.env };
});

afterEach(async () => {
  await fixture.dispose();
});

const clone = () => cloneRepository({ url: fixture.remote }, { ...ctx, logger: new RecordingLogger() });
const at = (name: string) => path.join(fixture.workspace, name);

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('workspaceChanges', () => {
  it('reports added (untracked), modified, deleted and renamed files, not ignored ones, with a patch git applies', async () => {
    await clone();
    await writeFile(at('src/sum.js'), 'export const sum = (a, b) => a + b;\n');
    await mkdir(at('test'));
    await writeFile(at('test/sum.test.js'), 'sum(1, 2) === 3;\n');
    await rm(at('README.md'));
    await rename(at('src/keep.txt'), at('src/kept.txt'));
    await writeFile(at('debug.log'), 'ignored\n');
    const changes = await workspaceChanges(ctx);
    expect(changes.branch).toBe('main');
    expect(changes.baseCommit).toBe(fixture.mainCommit);
    expect(changes.truncated).toBe(false);
    expect(changes.files).toEqual([
      { path: 'README.md', status: 'deleted' },
      { path: 'src/kept.txt', status: 'renamed', oldPath: 'src/keep.txt' },
      { path: 'src/sum.js', status: 'modified' },
      { path: 'test/sum.test.js', status: 'added' },
    ]);
    expect(changes.patch).not.toContain('debug.log');
    const copy = path.join(fixture.workspace, '..', 'copy');
    git(path.dirname(copy), ['clone', '--quiet', fixture.remote, copy]);
    await writeFile(path.join(copy, 'change.patch'), changes.patch);
    git(copy, ['apply', 'change.patch']);
    await rm(path.join(copy, 'change.patch'));
    expect(await readFile(path.join(copy, 'src/sum.js'), 'utf8')).toContain('a + b');
    expect(await readFile(path.join(copy, 'src/kept.txt'), 'utf8')).toBe(FIXTURE_FILES['src/keep.txt']);
    expect(await readFile(path.join(copy, 'test/sum.test.js'), 'utf8')).toBe('sum(1, 2) === 3;\n');
  });

  it('leaves the real index as it was, and includes what the agent committed itself', async () => {
    await clone();
    await writeFile(at('src/sum.js'), 'committed by the agent\n');
    git(fixture.workspace, ['commit', '--quiet', '-am', 'agent commit']);
    await writeFile(at('staged.txt'), 'staged\n');
    git(fixture.workspace, ['add', 'staged.txt']);
    await writeFile(at('untracked.txt'), 'untracked\n');
    const index = at('.git/index');
    const before = await sha256(index);
    const changes = await workspaceChanges(ctx);
    expect(changes.files.map((file) => `${file.status} ${file.path}`)).toEqual([
      'modified src/sum.js',
      'added staged.txt',
      'added untracked.txt',
    ]);
    expect(await sha256(index)).toBe(before);
    expect(git(fixture.workspace, ['status', '--porcelain'])).toBe('A  staged.txt\n?? untracked.txt\n');
  });

  it('reports nothing for an untouched clone', async () => {
    await clone();
    expect(await workspaceChanges(ctx)).toEqual({
      branch: 'main',
      baseCommit: fixture.mainCommit,
      files: [],
      patch: '',
      truncated: false,
    });
  });

  it('cuts a patch longer than MAX_GIT_PATCH_BYTES at a whole line and says so', async () => {
    await clone();
    const line = `${'x'.repeat(99)}\n`;
    await writeFile(at('big.txt'), line.repeat(Math.ceil(MAX_GIT_PATCH_BYTES / line.length) + 1000));
    const changes = await workspaceChanges(ctx);
    expect(changes.truncated).toBe(true);
    expect(Buffer.byteLength(changes.patch)).toBeLessThanOrEqual(MAX_GIT_PATCH_BYTES);
    expect(changes.patch.endsWith('\n')).toBe(true);
    expect(changes.files).toEqual([{ path: 'big.txt', status: 'added' }]);
  });

  it('answers a workspace without a clone with workspace_conflict', async () => {
    const error = await workspaceChanges(ctx).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe('workspace_conflict');
    expect((error as SandboxError).message).toContain('clone a repository first');
  });
});
