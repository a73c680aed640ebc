/**
 * @module Applies a failed solve's patch to the user's working tree with `git apply --3way`: the
 * patch records the blobs it was made against, so a file changed since merges with conflict
 * markers instead of failing. A patch that does not apply leaves the tree as it was.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gitMessage, localGit, LocalGitError, repositoryRoot } from './local-git';
import type { LocalGitOptions } from './local-git';

/** How a patch went onto the working tree. */
export interface AppliedPatch {
  /** Files the patch touched, relative to the repository's root. */
  files: string[];
  /** Files left with conflict markers by the three-way merge (to resolve by hand). */
  conflicts: string[];
}

/** Applies `patch` (a `git diff` of the repository) to the working tree and the index. */
export async function applyPatch(options: LocalGitOptions & { patch: string }): Promise<AppliedPatch> {
  if (options.patch.trim() === '')
    throw new LocalGitError('patch_failed', 'The solve left no changes to apply.');
  const root = await repositoryRoot(options);
  const repo = localGit(root, options);
  const dir = await mkdtemp(path.join(tmpdir(), 'handoff-patch-'));
  const file = path.join(dir, 'solve.patch');
  try {
    await writeFile(file, options.patch.endsWith('\n') ? options.patch : `${options.patch}\n`);
    const files = (await repo.raw(['apply', '--numstat', file]).catch(() => ''))
      .split('\n')
      .map((line) => line.split('\t')[2])
      .filter((name): name is string => name !== undefined && name !== '');
    try {
      await repo.raw(['apply', '--3way', '--whitespace=nowarn', file]);
    } catch (error) {
      const conflicts = await unmerged(root, options);
      if (conflicts.length > 0) return { files, conflicts };
      throw new LocalGitError(
        'patch_failed',
        `The changes do not apply to the workspace: ${gitMessage(error)} Save the patch instead and apply it by hand.`,
        { cause: error },
      );
    }
    return { files, conflicts: [] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function unmerged(root: string, options: LocalGitOptions): Promise<string[]> {
  const out = await localGit(root, options).raw(['diff', '--name-only', '--diff-filter=U']);
  return out.split('\n').filter((line) => line !== '');
}
