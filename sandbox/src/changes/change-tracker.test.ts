import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkspaceChange } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLogger } from '../testing/recording-logger';
import { createTempWorkspace } from '../testing/temp-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';
import { ChangeTracker } from './change-tracker';
import type { ScanPoolOptions } from './scan-pool';

const run = promisify(execFile);

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function created(file: string, content: string, executable = false): WorkspaceChange {
  return {
    path: file,
    kind: 'created',
    sha256: sha256(content),
    size: Buffer.byteLength(content),
    executable,
  };
}

function modified(file: string, content: string, executable = false): WorkspaceChange {
  return {
    path: file,
    kind: 'modified',
    sha256: sha256(content),
    size: Buffer.byteLength(content),
    executable,
  };
}

function deleted(file: string): WorkspaceChange {
  return { path: file, kind: 'deleted' };
}

async function bash(cwd: string, script: string): Promise<void> {
  await run('bash', ['-c', script], { cwd });
}

/** The same suite on the calling thread and, forced even for tiny trees, on worker threads. */
const POOLS: [string, ScanPoolOptions][] = [
  ['in process', { workers: 0 }],
  ['on worker threads', { workers: 2, inProcessBelow: 0, inProcessHashBytes: 0 }],
];

describe.each(POOLS)('ChangeTracker (%s)', (_, pool) => {
  let workspace: TempWorkspace;
  let tracker: ChangeTracker;
  let logger: RecordingLogger;
  const at = (...parts: string[]): string => path.join(workspace.path, ...parts);

  beforeEach(async () => {
    workspace = await createTempWorkspace();
    logger = new RecordingLogger();
    await writeFile(at('keep.txt'), 'unchanged\n');
    await mkdir(at('src'));
    await writeFile(at('src', 'main.ts'), 'export const x = 1;\n');
    tracker = new ChangeTracker({ workspace: workspace.path, logger, pool });
    await tracker.start();
  });

  afterEach(async () => {
    await tracker.close();
    await workspace.dispose();
  });

  it('reports nothing when nothing changed, and the baseline is not a change', async () => {
    expect(await tracker.scan()).toEqual([]);
    expect(
      logger.records.find((record) => record.message === 'workspace baseline taken')?.fields,
    ).toMatchObject({
      files: 2,
    });
  });

  it('reports a created file with its hash, size and executable bit', async () => {
    await writeFile(at('new.txt'), 'hello\n');
    expect(await tracker.scan()).toEqual([created('new.txt', 'hello\n')]);
    expect(await tracker.scan()).toEqual([]);
  });

  it('reports an editor-like write (temp file, then rename over) as modified', async () => {
    await writeFile(at('src', '.main.ts.tmp'), 'export const x = 2;\n');
    await rename(at('src', '.main.ts.tmp'), at('src', 'main.ts'));
    expect(await tracker.scan()).toEqual([modified('src/main.ts', 'export const x = 2;\n')]);
  });

  it('reports an in-place edit by sed -i', async () => {
    await bash(workspace.path, "sed -i 's/1/3/' src/main.ts");
    expect(await tracker.scan()).toEqual([modified('src/main.ts', 'export const x = 3;\n')]);
  });

  it('catches a second same-size write right after a scan (racy stamps are re-read)', async () => {
    await writeFile(at('keep.txt'), 'aaaaaaaaa\n');
    expect(await tracker.scan()).toEqual([modified('keep.txt', 'aaaaaaaaa\n')]);
    await writeFile(at('keep.txt'), 'bbbbbbbbb\n');
    expect(await tracker.scan()).toEqual([modified('keep.txt', 'bbbbbbbbb\n')]);
  });

  it('catches an in-place edit whose mtime was set back', async () => {
    await writeFile(at('keep.txt'), 'changed!!\n');
    await utimes(at('keep.txt'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(await tracker.scan()).toEqual([modified('keep.txt', 'changed!!\n')]);
  });

  it('reports a rename as a deletion and a creation', async () => {
    await rename(at('keep.txt'), at('src', 'moved.txt'));
    expect(await tracker.scan()).toEqual([deleted('keep.txt'), created('src/moved.txt', 'unchanged\n')]);
  });

  it('reports every file of a deleted folder', async () => {
    await mkdir(at('src', 'deep', 'er'), { recursive: true });
    await writeFile(at('src', 'deep', 'a.txt'), 'a');
    await writeFile(at('src', 'deep', 'er', 'b.txt'), 'b');
    await tracker.scan();
    await rm(at('src'), { recursive: true });
    expect(await tracker.scan()).toEqual([
      deleted('src/deep/a.txt'),
      deleted('src/deep/er/b.txt'),
      deleted('src/main.ts'),
    ]);
  });

  it('reports nothing for a touch, or for rewriting the same content', async () => {
    await bash(workspace.path, 'touch keep.txt src/main.ts');
    await writeFile(at('keep.txt'), 'unchanged\n');
    expect(await tracker.scan()).toEqual([]);
  });

  it('reports a change of the executable bit', async () => {
    await chmod(at('src', 'main.ts'), 0o755);
    expect(await tracker.scan()).toEqual([modified('src/main.ts', 'export const x = 1;\n', true)]);
    await chmod(at('src', 'main.ts'), 0o644);
    expect(await tracker.scan()).toEqual([modified('src/main.ts', 'export const x = 1;\n', false)]);
  });

  it('reports symlinks with their target, not followed, and a retargeted one as modified', async () => {
    await symlink('src/main.ts', at('link'));
    await symlink('/etc', at('outside'));
    expect(await tracker.scan()).toEqual([
      { path: 'link', kind: 'created', size: 'src/main.ts'.length, symlinkTarget: 'src/main.ts' },
      { path: 'outside', kind: 'created', size: 4, symlinkTarget: '/etc' },
    ]);
    await rm(at('link'));
    await symlink('keep.txt', at('link'));
    expect(await tracker.scan()).toEqual([
      { path: 'link', kind: 'modified', size: 'keep.txt'.length, symlinkTarget: 'keep.txt' },
    ]);
  });

  it('reports a file replaced by a folder, and a folder replaced by a file', async () => {
    await rm(at('keep.txt'));
    await mkdir(at('keep.txt'));
    await writeFile(at('keep.txt', 'inner'), 'x');
    expect(await tracker.scan()).toEqual([deleted('keep.txt'), created('keep.txt/inner', 'x')]);
    await rm(at('keep.txt'), { recursive: true });
    await writeFile(at('keep.txt'), 'file again');
    expect(await tracker.scan()).toEqual([created('keep.txt', 'file again'), deleted('keep.txt/inner')]);
  });

  it('reports nothing for a file deleted and written back the same', async () => {
    await rm(at('keep.txt'));
    await writeFile(at('keep.txt'), 'unchanged\n');
    expect(await tracker.scan()).toEqual([]);
  });

  it('ignores FIFOs and sockets, and upload staging folders', async () => {
    await bash(workspace.path, 'mkfifo pipe && mkdir .handoff-upload-x && echo s > .handoff-upload-x/staged');
    expect(await tracker.scan()).toEqual([]);
  });

  it('reports what a background process writes after the scan, with the next scan', async () => {
    // It writes once told to on stdin: after the first scan, whatever the machine's speed.
    const child = run('bash', ['-c', 'read go; echo late > late.txt'], { cwd: workspace.path });
    expect(await tracker.scan()).toEqual([]);
    child.child.stdin?.end('go\n');
    await child;
    expect(await tracker.scan()).toEqual([created('late.txt', 'late\n')]);
  });

  it('hashes a large file in full', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 3, 7);
    await writeFile(at('big.bin'), big);
    expect(await tracker.scan()).toEqual([
      { path: 'big.bin', kind: 'created', sha256: sha256(big), size: big.length, executable: false },
    ]);
  });

  it('serialises concurrent scans, and each change is reported once', async () => {
    await writeFile(at('one.txt'), '1');
    const [first, second] = await Promise.all([tracker.scan(), tracker.scan()]);
    expect([...first, ...second]).toEqual([created('one.txt', '1')]);
  });

  it('loses nothing when a scan fails: the next one reports it', async () => {
    await writeFile(at('during.txt'), 'x');
    const moved = `${workspace.path}-away`;
    await rename(workspace.path, moved);
    await expect(tracker.scan()).rejects.toThrow();
    expect(await tracker.scanOrLog()).toBeUndefined();
    expect(logger.records.some((record) => record.message === 'workspace change scan failed')).toBe(true);
    await rename(moved, workspace.path);
    expect(await tracker.scan()).toEqual([created('during.txt', 'x')]);
  });

  it('absorbs given paths without reporting them, and keeps the other changes for the next scan', async () => {
    await writeFile(at('uploaded.txt'), 'from the user');
    await writeFile(at('by-agent.txt'), 'from a background process');
    await tracker.absorb(['uploaded.txt']);
    await writeFile(at('keep.txt'), 'edited after\n');
    expect(await tracker.scan()).toEqual([
      created('by-agent.txt', 'from a background process'),
      modified('keep.txt', 'edited after\n'),
    ]);
    expect(await tracker.scan()).toEqual([]);
  });
});

describe('ChangeTracker in a git repository', () => {
  let workspace: TempWorkspace;
  let tracker: ChangeTracker | undefined;

  beforeEach(async () => {
    workspace = await createTempWorkspace();
  });

  afterEach(async () => {
    await tracker?.close();
    await workspace.dispose();
  });

  it('reports what `git checkout` of another branch changed, and nothing inside .git', async () => {
    await bash(
      workspace.path,
      [
        'git init -q -b main . && git config user.email t@example.com && git config user.name T',
        'printf "a\\n" > a.txt && printf "shared\\n" > shared.txt && printf "*.log\\n" > .gitignore',
        'git add -A && git commit -qm main',
        'git checkout -qb feature && printf "b\\n" > b.txt && printf "changed\\n" > shared.txt && git rm -q a.txt',
        'git add -A && git commit -qm feature && git checkout -q main',
      ].join(' && '),
    );
    tracker = new ChangeTracker({ workspace: workspace.path, logger: new RecordingLogger() });
    await tracker.start();
    await bash(workspace.path, 'git checkout -q feature');
    expect(await tracker.scan()).toEqual([
      deleted('a.txt'),
      created('b.txt', 'b\n'),
      modified('shared.txt', 'changed\n'),
    ]);
    await bash(
      workspace.path,
      'printf "*.tmp\\n" >> .gitignore && git add -A && git commit -qm more && git gc -q',
    );
    expect(await tracker.scan()).toEqual([modified('.gitignore', '*.log\n*.tmp\n')]);
  });
});
