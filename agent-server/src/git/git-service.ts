import type {
  GitAuth,
  GitChangesResponse,
  GitCloneRequest,
  GitCloneResponse,
  GitPushRequest,
  GitPushResponse,
} from '@handoff/protocol';
import path from 'node:path';
import { AgentServerError } from '../errors';
import type { SandboxGitClient } from '../sandbox/sandbox-client';
import { SandboxConnectionError, SandboxHttpError } from '../sandbox/sandbox-client';
import type { GitRemote, GitRemoteStore } from './git-remote-store';
import { pushFromBundle } from './push-from-bundle';

/** What the {@link GitService} is built from. */
export interface GitServiceOptions {
  /** The action server, which owns writes to the workspace. */
  client: SandboxGitClient;
  /** Where the clone's remote is remembered across restarts. */
  store: GitRemoteStore;
  /** The workspace folder; the action server's bundle must be inside it. */
  workspace: string;
  /** Learns every token, so the logs, events and prompts mask it. */
  onSecrets: (values: string[]) => void;
}

/**
 * Git for the solve flow: clones and reads changes through the action server, and pushes from
 * the agent server itself (see `pushFromBundle`) to the URL remembered at the clone, never to
 * what the workspace's `.git/config` says. Knows nothing of HTTP.
 */
export class GitService {
  readonly #options: GitServiceOptions;
  #remote: GitRemote | undefined;
  /** Pushes run one at a time: each reads the one bundle the action server keeps. */
  #pushing: Promise<unknown> = Promise.resolve();

  private constructor(options: GitServiceOptions, remote: GitRemote | undefined) {
    this.#options = options;
    this.#remote = remote;
  }

  /** Opens the service with the remote remembered from before a restart, if any. */
  static async open(options: GitServiceOptions): Promise<GitService> {
    const remote = await options.store.load();
    if (remote?.auth !== undefined) options.onSecrets([remote.auth.token]);
    return new GitService(options, remote);
  }

  /** Clones into the empty workspace and remembers the clean URL (and credentials) for pushes. */
  async clone(request: GitCloneRequest, signal?: AbortSignal): Promise<GitCloneResponse> {
    this.#learn(request.auth);
    const response = await fromActionServer('clone the repository', () =>
      this.#options.client.gitClone(request, signal),
    );
    const remote: GitRemote = {
      url: request.url,
      ...(request.auth === undefined ? {} : { auth: request.auth }),
    };
    await this.#options.store.save(remote);
    this.#remote = remote;
    return response;
  }

  /** The workspace against the clone's base commit. */
  changes(signal?: AbortSignal): Promise<GitChangesResponse> {
    return fromActionServer('read the changes', () => this.#options.client.gitChanges(signal));
  }

  /**
   * Commits the workspace onto `request.branch` (in the sandbox) and pushes that branch to the
   * remembered remote with `request.auth`, or the clone's credentials when it brings none.
   */
  push(request: GitPushRequest, signal?: AbortSignal): Promise<GitPushResponse> {
    this.#learn(request.auth);
    const run = this.#pushing.then(
      () => this.#push(request, signal),
      () => this.#push(request, signal),
    );
    this.#pushing = run.catch(() => undefined);
    return run;
  }

  async #push(request: GitPushRequest, signal: AbortSignal | undefined): Promise<GitPushResponse> {
    const remote = this.#remote;
    if (remote === undefined) {
      throw new AgentServerError(
        'workspace_conflict',
        'No repository was cloned through this agent server: clone one first (POST /api/git/clone).',
      );
    }
    const { branch, message, author } = request;
    const committed = await fromActionServer('commit the changes', () =>
      this.#options.client.gitCommit({ branch, message, author }, signal),
    );
    await pushFromBundle({
      url: remote.url,
      branch: committed.branch,
      commit: committed.commit,
      bundlePath: this.#insideWorkspace(committed.bundlePath),
      auth: request.auth ?? remote.auth,
      signal,
    });
    return {
      branch: committed.branch,
      commit: committed.commit,
      baseCommit: committed.baseCommit,
      files: committed.files,
    };
  }

  #learn(auth: GitAuth | undefined): void {
    if (auth !== undefined) this.#options.onSecrets([auth.token]);
  }

  #insideWorkspace(bundlePath: string): string {
    const resolved = path.resolve(bundlePath);
    const root = path.resolve(this.#options.workspace);
    if (resolved.startsWith(`${root}${path.sep}`)) return resolved;
    throw new AgentServerError(
      'sandbox_unavailable',
      'The action server answered with a bundle outside the workspace; the push was not made.',
      { status: 502 },
    );
  }
}

/**
 * Runs one action server call. Its refusals keep their status, code and message (they say what
 * to do); one that does not answer is `sandbox_unavailable` (503); one that refuses the agent
 * server's own key, fails or answers nonsense is the same code with 502.
 */
async function fromActionServer<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof SandboxHttpError &&
      error.body !== undefined &&
      error.status !== 401 &&
      error.body.code !== 'internal_error'
    ) {
      const { code, message, details } = error.body;
      throw new AgentServerError(code, message, { status: error.status, ...(details ? { details } : {}) });
    }
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof SandboxConnectionError) {
      throw new AgentServerError(
        'sandbox_unavailable',
        `The action server did not answer, so git could not ${what}: ${reason}`,
        { cause: error },
      );
    }
    throw new AgentServerError('sandbox_unavailable', `The action server could not ${what}: ${reason}`, {
      status: 502,
      cause: error,
    });
  }
}
