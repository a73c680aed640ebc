import { mkdtemp, lchown, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitChangesResponse } from '@handoff/protocol';
import { MAX_GIT_PATCH_BYTES } from '@handoff/protocol';
import { gitFailure } from './git-failure';
import { WorkspaceGit } from './workspace-git';
import type { GitContext } from './workspace-git';

/** `git diff` options that keep the patch in the form `git apply` reads, whatever `.git/config` says. */
export const PATCH_ARGS = [
  '--binary',
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
  '--no-relative',
  '-M',
  '--src-prefix=a/',
  '--dst-prefix=b/',
] as const;

/**
 * The workspace against the clone's base commit: committed or not, untracked files included,
 * ignored ones left out. The working tree is staged into a temporary copy of the index, so the
 * agent's own index (what it staged) stays as it was.
 */
export async function workspaceChanges(ctx: GitContext): Promise<GitChangesResponse> {
  const git = new WorkspaceGit(ctx);
  const baseCommit = await git.baseCommit();
  const branch = await git.currentBranch();
  const index = await temporaryIndex(git);
  try {
    const options = { env: { GIT_INDEX_FILE: index.file } };
    await git.ok(
      ['add', '--all', '--', '.'],
      { what: 'Staging the workspace into a temporary index' },
      options,
    );
    const files = await git.changedFiles(baseCommit, 'index', options);
    const diff = await git.run(['diff', '--cached', ...PATCH_ARGS, baseCommit, '--'], {
      ...options,
      maxStdoutBytes: MAX_GIT_PATCH_BYTES,
    });
    if (diff.exitCode !== 0) throw gitFailure({ what: 'Writing the patch' }, diff);
    const truncated = diff.stdoutTruncated;
    return { branch, baseCommit, files, patch: patchText(diff.stdout, truncated), truncated };
  } finally {
    await index.dispose();
  }
}

/** The patch as text; a cut one ends at its last whole line. */
function patchText(bytes: Buffer, truncated: boolean): string {
  if (!truncated) return bytes.toString('utf8');
  const end = bytes.lastIndexOf(0x0a);
  return bytes.subarray(0, end + 1).toString('utf8');
}

/**
 * A copy of the workspace's index in a folder of the command user's (the copy is made as that
 * user, so a `.git/index` the agent pointed elsewhere reads nothing it could not read itself).
 * Without one, git builds the index from scratch. The copy keeps the index's modification time:
 * git trusts a file's cached stat data only when the file is older than the index, so a fresh
 * timestamp would hide an edit made in the same second as the clone with the same size.
 */
async function temporaryIndex(git: WorkspaceGit): Promise<{ file: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'handoff-git-index-'));
  const user = git.ctx.commandUser;
  if (user !== undefined) await lchown(dir, user.uid, user.gid);
  const file = path.join(dir, 'index');
  await git.tool('cp', ['--preserve=timestamps', '--', path.join(git.ctx.workspace, '.git', 'index'), file]);
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}
