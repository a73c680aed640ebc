import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInWorkspace } from './confine';

function workspace(): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'confine-')));
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src/a.txt'), 'a');
  symlinkSync('/etc', path.join(root, 'etc-link'));
  symlinkSync(path.join(root, 'src'), path.join(root, 'src-link'));
  symlinkSync('/nonexistent-target', path.join(root, 'dangling'));
  return root;
}

describe('resolveInWorkspace', () => {
  it('resolves relative and absolute paths inside the workspace', async () => {
    const root = workspace();
    expect(await resolveInWorkspace(root, 'src/a.txt')).toBe(path.join(root, 'src/a.txt'));
    expect(await resolveInWorkspace(root, path.join(root, 'src'))).toBe(path.join(root, 'src'));
    expect(await resolveInWorkspace(root, 'src-link/a.txt')).toBe(path.join(root, 'src/a.txt'));
    expect(await resolveInWorkspace(root, '.')).toBe(root);
  });

  it('refuses .., absolute paths outside and symlinks that lead out', async () => {
    const root = workspace();
    await expect(resolveInWorkspace(root, '../x')).rejects.toThrow(/leads outside the workspace/);
    await expect(resolveInWorkspace(root, '/etc/passwd')).rejects.toThrow(/leads outside the workspace/);
    await expect(resolveInWorkspace(root, 'etc-link/passwd')).rejects.toThrow(/through a symlink/);
    await expect(resolveInWorkspace(root, 'etc-link/new', { mustExist: false })).rejects.toThrow(
      /through a symlink/,
    );
    await expect(resolveInWorkspace(root, 'dangling', { mustExist: false })).rejects.toThrow(
      /through a symlink/,
    );
    await expect(resolveInWorkspace(root, 'a\0b')).rejects.toThrow(/NUL/);
  });

  it('allows a path that does not exist yet only when asked', async () => {
    const root = workspace();
    await expect(resolveInWorkspace(root, 'src/new/file.txt')).rejects.toThrow(/does not exist/);
    expect(await resolveInWorkspace(root, 'src/new/file.txt', { mustExist: false })).toBe(
      path.join(root, 'src/new/file.txt'),
    );
    expect(await resolveInWorkspace(root, 'src-link/new.txt', { mustExist: false })).toBe(
      path.join(root, 'src/new.txt'),
    );
  });
});
