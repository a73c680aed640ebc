import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempWorkspace } from '../testing/temp-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';
import { SIG_WIDTH } from './file-ops';
import { ScanPool } from './scan-pool';

describe.each([
  ['in process', 0],
  ['on worker threads', 3],
])('ScanPool (%s)', (_, workers) => {
  let workspace: TempWorkspace;
  let pool: ScanPool;
  let paths: string[];

  beforeEach(async () => {
    workspace = await createTempWorkspace();
    pool = new ScanPool({ workers, inProcessBelow: 0, inProcessHashBytes: 0 });
    paths = ['a.txt', 'b.txt', 'link', 'missing', 'dir'].map((name) => path.join(workspace.path, name));
    await writeFile(paths[0]!, 'alpha');
    await writeFile(paths[1]!, '');
    await symlink('a.txt', paths[2]!);
  });

  afterEach(async () => {
    await pool.close();
    await workspace.dispose();
  });

  it('stats every path in order, mode 0 for a missing one', async () => {
    const sigs = await pool.stat(paths, 1);
    expect(sigs).toHaveLength(paths.length * SIG_WIDTH);
    expect(sigs[1]).toBe(5);
    expect(sigs[3 * SIG_WIDTH + 4]).toBe(0);
    expect(sigs[4 * SIG_WIDTH + 4]).toBe(0);
  });

  it('stats the same list again without it being sent, and a new list when the version changes', async () => {
    await pool.stat(paths, 1);
    await writeFile(paths[0]!, 'alpha and more');
    expect((await pool.stat(paths, 1))[1]).toBe(14);
    expect(await pool.stat(paths.slice(0, 2), 2)).toHaveLength(2 * SIG_WIDTH);
  });

  it('hashes regular files and gives null for links, FIFOs and missing files', async () => {
    const fifo = path.join(workspace.path, 'fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    const hashes = await pool.hash([...paths.slice(0, 4), fifo], 5);
    expect(hashes).toEqual([
      { sha256: createHash('sha256').update('alpha').digest('hex'), size: 5 },
      { sha256: createHash('sha256').update('').digest('hex'), size: 0 },
      null,
      null,
      null,
    ]);
  });

  it('works again after close (idle workers are ended and restarted)', async () => {
    await pool.stat(paths, 1);
    await pool.close();
    expect((await pool.stat(paths, 1))[1]).toBe(5);
  });
});
