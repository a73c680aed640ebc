import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempWorkspace } from '../../testing/temp-workspace';
import type { TempWorkspace } from '../../testing/temp-workspace';
import { writeFileAtomic } from './atomic-write';

let dir: TempWorkspace;

beforeEach(async () => {
  dir = await createTempWorkspace('handoff-atomic-');
});

afterEach(async () => {
  await chmod(dir.path, 0o755).catch(() => undefined);
  await dir.dispose();
});

const isRoot = process.getuid?.() === 0;

async function failure(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(Error);
  return error as NodeJS.ErrnoException;
}

describe('writeFileAtomic', () => {
  it('replaces a file and gives it the requested mode', async () => {
    const file = path.join(dir.path, 'f.txt');
    await writeFile(file, 'old');
    await writeFileAtomic(file, Buffer.from('new'), { mode: 0o640 });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o7777).toBe(0o640);
    expect(await readdir(dir.path)).toEqual(['f.txt']);
  });

  it('keeps set-id bits that the owner change would clear', async () => {
    const file = path.join(dir.path, 'tool');
    await writeFile(file, 'x');
    const { uid, gid } = await stat(file);
    await writeFileAtomic(file, Buffer.from('y'), { mode: 0o4755, owner: { uid, gid } });
    expect((await stat(file)).mode & 0o7777).toBe(0o4755);
  });

  it('with exclusive, refuses an existing file and leaves it and no temp file', async () => {
    const file = path.join(dir.path, 'f.txt');
    await writeFile(file, 'original');
    expect((await failure(writeFileAtomic(file, Buffer.from('new'), { exclusive: true }))).code).toBe(
      'EEXIST',
    );
    expect(await readFile(file, 'utf8')).toBe('original');
    expect(await readdir(dir.path)).toEqual(['f.txt']);
  });

  it('removes its temp file when the final rename fails', async () => {
    const target = path.join(dir.path, 'busy');
    await mkdir(target);
    await writeFile(path.join(target, 'inside'), 'x');
    await failure(writeFileAtomic(target, Buffer.from('new')));
    expect(await readdir(dir.path)).toEqual(['busy']);
    expect(await readdir(target)).toEqual(['inside']);
  });

  it.skipIf(isRoot)('leaves the original intact when the directory is read-only', async () => {
    const file = path.join(dir.path, 'f.txt');
    await writeFile(file, 'original');
    await chmod(dir.path, 0o555);
    expect((await failure(writeFileAtomic(file, Buffer.from('new')))).code).toBe('EACCES');
    expect(await readFile(file, 'utf8')).toBe('original');
  });
});
