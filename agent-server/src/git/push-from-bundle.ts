import { constants } from 'node:fs';
import { lstat, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitAuth } from '@handoff/protocol';
import { AgentServerError } from '../errors';
import { credentialArgs, credentialEnv } from './credential-helper';
import { gitFailure } from './git-failure';
import type { GitStep } from './git-failure';
import { runGit } from './run-git';
import type { GitResult } from './run-git';

/** How long a network call (ls-remote, push) may take. */
const NETWORK_TIMEOUT_MS = 10 * 60_000;
/** How long a local call (init, fetch from the bundle) may take. */
const LOCAL_TIMEOUT_MS = 5 * 60_000;

/** One push of a committed branch. */
export interface PushFromBundleRequest {
  /** The remembered clean clone URL. */
  url: string;
  branch: string;
  /** The commit the action server made; the bundle must hold exactly it. */
  commit: string;
  /** The action server's bundle of `refs/heads/<branch>` (read-only to us). */
  bundlePath: string;
  auth?: GitAuth | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Pushes the branch from the agent server itself, never from the workspace repository: a fresh
 * bare repository in this process's temp folder fetches the branch from the bundle and pushes it
 * to `url` (never forced), with the token only in the environment of `ls-remote` and `push`.
 * Nothing of the workspace's `.git` (hooks, config, remotes) takes part. A branch that already
 * exists on the remote is `branch_exists`.
 */
export async function pushFromBundle(request: PushFromBundleRequest): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'handoff-push-'));
  try {
    const git = pushGit(dir, request);
    await git.local(['init', '--quiet', '--bare', '--template=', '.'], 'Preparing the push');
    await checkBundle(request.bundlePath);
    // A shallow clone's bundle stops at the clone's boundary; git needs to know it is one.
    const shallow = await readShallow(request.bundlePath);
    if (shallow !== undefined) await writeFile(path.join(dir, 'shallow'), shallow);
    const ref = `refs/heads/${request.branch}`;
    await git.local(
      ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', request.bundlePath, `${ref}:${ref}`],
      'Reading the commit from the sandbox',
    );
    const fetched = (
      await git.local(['rev-parse', '--verify', `${ref}^{commit}`], 'Reading the commit from the sandbox')
    ).trim();
    if (fetched !== request.commit) {
      throw new AgentServerError(
        'git_failed',
        `The sandbox's bundle holds ${fetched} on "${request.branch}", not the commit it reported (${request.commit}); push again.`,
      );
    }
    if (
      (await git.remote(['ls-remote', '--heads', request.url, ref], 'Looking for the branch')).trim() !== ''
    )
      throw branchExists(request.branch);
    await git.remote(['push', '--porcelain', request.url, `${ref}:${ref}`], 'Pushing', (result) =>
      /\[rejected\]|non-fast-forward|already exists|fetch first/.test(result.stdout + result.stderr)
        ? branchExists(request.branch)
        : undefined,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The error for a branch name that is taken on the remote. */
export function branchExists(branch: string): AgentServerError {
  return new AgentServerError(
    'branch_exists',
    `The branch "${branch}" already exists on the remote: choose another branch name; your commit is kept in the sandbox.`,
  );
}

interface PushGit {
  local(args: string[], what: string): Promise<string>;
  remote(
    args: string[],
    what: string,
    refine?: (result: GitResult) => AgentServerError | undefined,
  ): Promise<string>;
}

function pushGit(dir: string, request: PushFromBundleRequest): PushGit {
  const secrets = request.auth === undefined ? [] : [request.auth.token];
  const step = (what: string): GitStep => ({
    what: `${what} (branch "${request.branch}" to ${request.url})`,
    denied: `the token cannot push to ${request.url}: give a token with write access to the repository's contents.`,
    secrets,
  });
  const base = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];
  const run = async (
    args: string[],
    what: string,
    options: { network: boolean; refine?: (result: GitResult) => AgentServerError | undefined },
  ) => {
    const result = await runGit(
      [...base, ...credentialArgs(options.network ? request.auth : undefined), ...args],
      {
        cwd: dir,
        env: options.network ? credentialEnv(request.url, request.auth) : {},
        timeoutMs: options.network ? NETWORK_TIMEOUT_MS : LOCAL_TIMEOUT_MS,
        signal: request.signal,
      },
    );
    if (result.exitCode === 0) return result.stdout;
    throw options.refine?.(result) ?? gitFailure(step(what), result);
  };
  return {
    local: (args, what) => run(args, what, { network: false }),
    remote: (args, what, refine) =>
      run(args, what, { network: true, ...(refine === undefined ? {} : { refine }) }),
  };
}

/** The bundle must be a plain file: a link the agent put in its place could point at our own files. */
async function checkBundle(bundlePath: string): Promise<void> {
  const stats = await lstat(bundlePath).catch(() => undefined);
  if (stats?.isFile() === true) return;
  throw new AgentServerError(
    'git_failed',
    `The sandbox's bundle of the commit (${bundlePath}) is missing or not a plain file; push again.`,
  );
}

const MAX_SHALLOW_BYTES = 1024 * 1024;

/**
 * The clone's `.git/shallow` beside the bundle's folder, when it is a plain file of commit ids
 * (anything else is ignored: the agent can write there, and it is never read through a link).
 */
async function readShallow(bundlePath: string): Promise<string | undefined> {
  const file = path.join(path.dirname(bundlePath), '..', 'shallow');
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(MAX_SHALLOW_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_SHALLOW_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('ascii');
    return /^(?:[0-9a-f]{40,64}\n)+$/.test(text) ? text : undefined;
  } finally {
    await handle.close();
  }
}
