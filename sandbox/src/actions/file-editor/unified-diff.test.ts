import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DIFF_CHARS, unifiedDiff } from './unified-diff';

const LABELS = { old: 'a/f.txt', new: 'b/f.txt' };

describe('unifiedDiff', () => {
  it('is undefined for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', LABELS)).toBeUndefined();
  });

  it('shows a change with three lines of context', () => {
    const old = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n';
    expect(unifiedDiff(old, old.replace('l5', 'five'), LABELS)).toBe(
      '--- a/f.txt\n+++ b/f.txt\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+five\n l6\n l7\n l8\n',
    );
  });

  it('splits far-apart changes into hunks and joins near ones', () => {
    const old = Array.from({ length: 20 }, (_, i) => `l${i + 1}\n`).join('');
    const changed = old.replace('l2\n', 'two\n').replace('l18\n', 'eighteen\n');
    expect(unifiedDiff(old, changed, LABELS)).toBe(
      '--- a/f.txt\n+++ b/f.txt\n' +
        '@@ -1,5 +1,5 @@\n l1\n-l2\n+two\n l3\n l4\n l5\n' +
        '@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+eighteen\n l19\n l20\n',
    );
    const near = old.replace('l2\n', 'two\n').replace('l8\n', 'eight\n');
    expect(unifiedDiff(old, near, LABELS)?.match(/^@@/gm)).toHaveLength(1);
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', LABELS)).toBe(
      '--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    );
  });

  it('diffs from and to nothing', () => {
    expect(unifiedDiff('', 'x\n', { old: '/dev/null', new: 'b/f' })).toBe(
      '--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+x\n',
    );
    expect(unifiedDiff('x\ny\n', '', LABELS)).toBe('--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +0,0 @@\n-x\n-y\n');
  });

  it('leaves out a diff longer than its cap', () => {
    expect(unifiedDiff('', 'x'.repeat(MAX_DIFF_CHARS), LABELS)).toBeUndefined();
  });

  it('produces diffs that patch(1) applies exactly, for random edits', async () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 150; round++) {
      const old =
        Array.from({ length: random(60) }, () => `w${random(8)}\n`).join('') + (random(2) ? 'tail' : '');
      const lines = old.split(/(?<=\n)/).filter((l) => l !== '');
      for (let edits = random(6); edits > 0; edits--) {
        const at = random(lines.length + 1);
        if (random(2) === 0) lines.splice(at, 1);
        else lines.splice(at, 0, `n${random(8)}\n`);
      }
      const changed = lines.join('');
      const diff = unifiedDiff(old, changed, LABELS);
      if (old === changed) expect(diff).toBeUndefined();
      else expect(await patched(old, diff ?? '')).toBe(changed);
    }
  });

  it('stays correct when the changes exceed the comparison budget', async () => {
    const old = Array.from({ length: 30_000 }, (_, i) => `${i}\n`).join('');
    const changed = Array.from({ length: 30_000 }, (_, i) => (i % 2 ? `${i}\n` : `x${i}\n`)).join('');
    expect(await patched(old, unifiedDiff(old, changed, LABELS) ?? '')).toBe(changed);
  });
});

/** Applies `diff` to `old` with patch(1) and returns the result. */
async function patched(old: string, diff: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'handoff-diff-'));
  try {
    const file = path.join(dir, 'f.txt');
    await writeFile(file, old);
    const result = spawnSync('patch', ['--quiet', '--force', file], { input: diff, encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    return await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
