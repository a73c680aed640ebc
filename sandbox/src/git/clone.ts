import { lchown, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { GitCloneRequest, GitCloneResponse } from '@handoff/protocol';
import type { CommandUser } from '../actions/action-context';
import type { ChangeTracker } from '../changes/change-tracker';
import { SandboxError } from '../errors';
import { errorFields } from '../log';
import type { Logger } from '../log';
import { credentialArgs, credentialEnv } from './credential-helper';
import { gitEnv, workspaceFlags } from './git-env';
import { gitFailure, scrub } from './git-failure';
import { runProcess } from './run-git';
import { BASE_REF, WorkspaceGit } from './workspace-git';
import type { GitContext } from './workspace-git';

/** How long a clone may take. */
export const CLONE_TIMEOUT_MS = 10 * 60_000;

/** Who commits in the clone when the agent runs `git commit` itself (the push sets its own author). */
export const AGENT_IDENTITY = { name: 'Handoff Agent', email: 'agent@handoff.invalid' } as const;

/** What a clone needs besides the request. */
export interface CloneOptions extends GitContext {
  /** Told about the cloned files, so they are not reported as the agent's changes. */
  changes?: ChangeTracker | undefined;
  logger: Logger;
}

/**
 * Clones `request.url` into the (empty) workspace. The token reaches git only through the
 * credential helper (see `credential-helper.ts`); the remote URL in `.git/config` is the clean
 * one. Records the start as `refs/handoff/base`, sets a neutral identity for the agent's own
 * commits, gives everything to the command user. On failure the workspace is emptied again.
 */
export async function cloneRepository(
  request: GitCloneRequest,
  options: CloneOptions,
): Promise<GitCloneResponse> {
  await requireEmptyWorkspace(options.workspace);
  try {
    await runClone(request, options);
    if (options.commandUser !== undefined) await ownTree(options.workspace, options.commandUser);
    const git = new WorkspaceGit(options);
    const commit = await startingCommit(git, request.url);
    await git.ok(['update-ref', BASE_REF, commit], { what: 'Recording the base commit' });
    await git.ok(['config', 'user.name', AGENT_IDENTITY.name], { what: 'Setting the commit identity' });
    await git.ok(['config', 'user.email', AGENT_IDENTITY.email], { what: 'Setting the commit identity' });
    const files = (await git.ok(['ls-files', '-z'], { what: 'Listing the cloned files' }))
      .split('\0')
      .filter((name) => name !== '');
    void options.changes?.absorb(files).catch((error: unknown) => {
      options.logger.error('workspace scan after a clone failed', errorFields(error));
    });
    return { branch: await git.currentBranch(), commit, files: files.length };
  } catch (error) {
    await emptyWorkspace(options.workspace);
    throw error;
  }
}

async function runClone(request: GitCloneRequest, options: CloneOptions): Promise<void> {
  const secrets = request.auth === undefined ? [] : [request.auth.token];
  const auth = request.auth === undefined ? {} : credentialEnv(request.url, request.auth);
  const args = [
    ...(request.auth === undefined ? ['-c', 'credential.helper='] : credentialArgs()),
    ...workspaceFlags(options.workspace),
    'clone',
    '--quiet',
    '--no-recurse-submodules',
    '--origin',
    'origin',
    ...(request.branch === undefined ? [] : ['--branch', request.branch]),
    ...(request.depth === undefined ? [] : ['--depth', String(request.depth)]),
    '--',
    request.url,
    options.workspace,
  ];
  // As the server's user: the command user's processes must not see this one's environment.
  const result = await runProcess('git', args, {
    cwd: options.workspace,
    env: { ...gitEnv(options.env, undefined), ...auth },
    timeoutMs: CLONE_TIMEOUT_MS,
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    throw gitFailure({ what: `Cloning ${scrub(request.url, secrets)}`, secrets }, result);
  }
}

async function startingCommit(git: WorkspaceGit, url: string): Promise<string> {
  const result = await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const commit = result.stdout.toString('utf8').trim();
  if (result.exitCode === 0 && commit !== '') return commit;
  throw new SandboxError(
    'git_failed',
    `The repository ${url} is empty (or its default branch has no commit): push a first commit to it, or name a branch that has one.`,
  );
}

async function requireEmptyWorkspace(workspace: string): Promise<void> {
  const names = (await readdir(workspace)).sort();
  if (names.length === 0) return;
  const shown = names
    .slice(0, 5)
    .map((name) => `"${name}"`)
    .join(', ');
  const more = names.length > 5 ? ` and ${String(names.length - 5)} more` : '';
  throw new SandboxError(
    'workspace_conflict',
    `The workspace is not empty (it holds ${shown}${more}); a repository is cloned only into an empty workspace: use a fresh sandbox.`,
  );
}

/** Removes everything in the workspace (it was empty before the clone). */
async function emptyWorkspace(workspace: string): Promise<void> {
  const names = await readdir(workspace).catch(() => []);
  await Promise.all(names.map((name) => rm(path.join(workspace, name), { recursive: true, force: true })));
}

/** Gives every entry under `dir` (not following symlinks) to `user`. */
async function ownTree(dir: string, user: CommandUser): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    await lchown(at, user.uid, user.gid);
    if (entry.isDirectory()) await ownTree(at, user);
  }
}
