import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectFiles } from './inspect-files';
import { listWorkspaceFiles } from './list-workspace-files';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'list-workspace-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    stdio: 'ignore',
  });
}

async function write(rel: string, content = `${rel}\n`): Promise<void> {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), content);
}

describe('listWorkspaceFiles', () => {
  it('lists what git would commit: tracked and untracked-not-ignored, odd names unquoted', async () => {
    git(dir, 'init', '-q');
    await write('.gitignore', 'secret.env\nbuild/\n');
    await write('src/main file.ts');
    await write('docs/résumé ünïcode.md');
    await write('gone.txt');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    await write('untracked new.txt');
    await write('line\nbreak.txt');
    await write('secret.env');
    await write('build/out.js');
    await unlink(path.join(dir, 'gone.txt'));
    const listed = await listWorkspaceFiles(dir);
    expect(listed.source).toBe('git');
    expect(listed.paths).toEqual(
      [
        '.gitignore',
        'docs/résumé ünïcode.md',
        'gone.txt',
        'line\nbreak.txt',
        'src/main file.ts',
        'untracked new.txt',
      ].sort(),
    );
    const inventory = await inspectFiles(dir, listed.paths);
    expect(inventory.entries).not.toContain('gone.txt');
    expect(inventory.skipped).toEqual([
      { path: 'gone.txt', reason: expect.stringContaining('no longer exists') as string },
    ]);
  });

  it('lists only the part of the repository below a subfolder, relative to it', async () => {
    git(dir, 'init', '-q');
    await write('top.txt');
    await write('pkg/inner.txt');
    const listed = await listWorkspaceFiles(path.join(dir, 'pkg'));
    expect(listed).toEqual({ paths: ['inner.txt'], source: 'git' });
  });

  it('walks a folder outside git, skipping .git-less heavy folders and keeping symlinks as entries', async () => {
    await write('a.txt');
    await write('node_modules/dep/index.js');
    await write('.venv/lib/x.py');
    await write('dist/bundle.js');
    await write('src/b c.ts');
    await symlink('a.txt', path.join(dir, 'link-in'));
    await symlink('/etc/hostname', path.join(dir, 'link-out'));
    await symlink('src', path.join(dir, 'dir-link'));
    const listed = await listWorkspaceFiles(dir);
    expect(listed).toEqual({
      paths: ['a.txt', 'dir-link', 'link-in', 'link-out', 'src/b c.ts'],
      source: 'walk',
    });
    const inventory = await inspectFiles(dir, listed.paths);
    expect(inventory.entries).toEqual(['a.txt', 'dir-link', 'link-in', 'src/b c.ts']);
    expect(inventory.count).toBe(2);
    expect(inventory.bytes).toBe('a.txt\n'.length + 'src/b c.ts\n'.length);
    expect(inventory.skipped).toEqual([
      { path: 'link-out', reason: expect.stringContaining('outside the workspace') as string },
    ]);
  });
});
