import path from 'node:path';
import type { GitCommitRequest, GitCommitResponse, GitIdentity } from '@handoff/protocol';
import { SandboxError } from '../errors';
import { gitFailure } from './git-failure';
import { WorkspaceGit } from './workspace-git';
import type { GitContext } from './workspace-git';

/** Where the bundle of the committed branch is written, inside the workspace's `.git`. */
export const BUNDLE_PATH = path.join('.git', 'handoff', 'push.bundle');

/**
 * Commits every change in the workspace (as `git add -A`) onto `request.branch`, made or moved to
 * the current commit with the working tree kept, and writes a bundle of that branch for the agent
 * server to push from. Calling it again with another name moves the commit to that branch. When
 * nothing differs from the base commit, `nothing_to_commit`.
 */
export async function commitWorkspace(
  request: GitCommitRequest,
  ctx: GitContext,
): Promise<GitCommitResponse> {
  const git = new WorkspaceGit(ctx);
  const baseCommit = await git.baseCommit();
  await git.ok(['add', '--all', '--', '.'], { what: 'Staging the changes' });
  const staged = await hasStagedChanges(git);
  if (!staged && (await head(git)) === baseCommit) {
    throw new SandboxError(
      'nothing_to_commit',
      'Nothing to commit: the workspace does not differ from the commit it was cloned at.',
    );
  }
  await git.ok(['checkout', '--quiet', '-B', request.branch], {
    what: `Switching to branch "${request.branch}"`,
    advice: 'git could not make that branch; choose another branch name.',
  });
  if (staged) await commit(git, request.message, request.author);
  const commitSha = await head(git);
  const files = await git.changedFiles(baseCommit, { commit: commitSha });
  const bundlePath = path.join(ctx.workspace, BUNDLE_PATH);
  const made = await git.tool('mkdir', ['-p', '--', path.dirname(bundlePath)]);
  if (made.exitCode !== 0) throw gitFailure({ what: 'Making the bundle folder' }, made);
  await git.ok(['bundle', 'create', '--quiet', bundlePath, `refs/heads/${request.branch}`], {
    what: 'Writing the bundle of the branch',
  });
  return { branch: request.branch, commit: commitSha, baseCommit, files, bundlePath };
}

/** `git diff --cached --quiet`: 1 when something is staged, 0 when not, anything else a failure. */
async function hasStagedChanges(git: WorkspaceGit): Promise<boolean> {
  const result = await git.run(['diff', '--cached', '--quiet', '--no-ext-diff', 'HEAD', '--']);
  if (result.exitCode === 0 || result.exitCode === 1) return result.exitCode === 1;
  throw gitFailure({ what: 'Looking for staged changes' }, result);
}

async function head(git: WorkspaceGit): Promise<string> {
  return (await git.ok(['rev-parse', '--verify', 'HEAD^{commit}'], { what: 'Reading HEAD' })).trim();
}

/**
 * Commits with `author` as author and committer: the variables outrank whatever `user.*`,
 * `author.*` or `committer.*` the agent put in `.git/config`.
 */
async function commit(git: WorkspaceGit, message: string, author: GitIdentity): Promise<void> {
  const identity = ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`];
  await git.ok(
    [...identity, 'commit', '--quiet', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-m', message],
    { what: 'Committing the changes' },
    {
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      },
    },
  );
}
