/**
 * @module Checks out a solve's pushed branch in the user's clone: fetch it from the remote that
 * points at the repository, then switch to a local branch tracking it (fast-forwarding one that
 * already exists). Refuses a workspace with uncommitted changes or of another repository.
 */
import {
  credentialConfig,
  gitMessage,
  localGit,
  LocalGitError,
  remoteOf,
  repositoryRoot,
  uncommitted,
} from './local-git';
import type { LocalGitOptions } from './local-git';

/** What {@link checkOutBranch} needs. */
export interface CheckOutBranchOptions extends LocalGitOptions {
  owner: string;
  repo: string;
  branch: string;
  /**
   * A token for an HTTPS remote, used only when git's own credential helpers have none: it is
   * offered by a helper scoped to the remote's origin, from this git process's environment.
   */
  token?: string;
}

/** A branch now checked out. */
export interface CheckedOutBranch {
  branch: string;
  /** The remote it tracks. */
  remote: string;
  /** The commit checked out. */
  head: string;
  /** True when the local branch was new; false when an existing one was fast-forwarded. */
  created: boolean;
}

/** Fetches `branch` and checks it out as a local branch tracking the remote's. */
export async function checkOutBranch(options: CheckOutBranchOptions): Promise<CheckedOutBranch> {
  const root = await repositoryRoot(options);
  const remote = await remoteOf({ ...options, folder: root });
  const repo = localGit(root, options);
  const dirty = await uncommitted(repo);
  if (dirty.length > 0)
    throw new LocalGitError(
      'uncommitted_changes',
      `The workspace has uncommitted changes (${describeFiles(dirty)}): commit or stash them, then check out ${options.branch} again.`,
    );
  const tracking = `refs/remotes/${remote.name}/${options.branch}`;
  const fetcher = localGit(root, {
    ...options,
    config: credentialConfig(remote.url, options.token),
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  try {
    await fetcher.raw(['fetch', '--no-tags', remote.name, `+refs/heads/${options.branch}:${tracking}`]);
  } catch (error) {
    throw new LocalGitError(
      'fetch_failed',
      `Could not fetch ${options.branch} from ${remote.name}: ${gitMessage(error)}`,
      { cause: error },
    );
  }
  const created = !(await hasLocalBranch(root, options));
  try {
    if (created) {
      await repo.raw(['checkout', '--track', '-b', options.branch, `${remote.name}/${options.branch}`]);
    } else {
      await repo.raw(['checkout', options.branch]);
      await repo.raw(['merge', '--ff-only', `${remote.name}/${options.branch}`]);
    }
  } catch (error) {
    throw new LocalGitError(
      'checkout_failed',
      `Could not check out ${options.branch}: ${gitMessage(error)}`,
      { cause: error },
    );
  }
  const head = (await repo.revparse(['HEAD'])).trim();
  return { branch: options.branch, remote: remote.name, head, created };
}

async function hasLocalBranch(root: string, options: CheckOutBranchOptions): Promise<boolean> {
  const out = await localGit(root, options).raw(['branch', '--list', options.branch]);
  return out.trim() !== '';
}

function describeFiles(files: readonly string[]): string {
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${String(files.length - 3)} more` : shown;
}
