import type {
  GitChangesResponse,
  GitCloneRequest,
  GitCloneResponse,
  GitCommitRequest,
  GitCommitResponse,
} from '@handoff/protocol';
import type { CommandUser } from '../actions/action-context';
import { KeyedLock } from '../actions/file-editor/keyed-lock';
import type { ChangeTracker } from '../changes/change-tracker';
import type { Logger } from '../log';
import { workspaceChanges } from './changes';
import { cloneRepository } from './clone';
import { commitWorkspace } from './commit';

/** What the `/git/*` routes work on. */
export interface SandboxGitOptions {
  workspace: string;
  /** The server's environment; git takes only its network variables. */
  env: NodeJS.ProcessEnv;
  commandUser?: CommandUser | undefined;
  changes?: ChangeTracker | undefined;
  logger: Logger;
}

/** The action server's git: clone, changes and commit, one at a time (they share the index). */
export class SandboxGit {
  readonly #options: SandboxGitOptions;
  readonly #lock = new KeyedLock();

  constructor(options: SandboxGitOptions) {
    this.#options = options;
  }

  /** `POST /git/clone`. */
  clone(request: GitCloneRequest, signal?: AbortSignal): Promise<GitCloneResponse> {
    return this.#lock.run('git', () => cloneRepository(request, { ...this.#options, signal }));
  }

  /** `GET /git/changes`. */
  changes(signal?: AbortSignal): Promise<GitChangesResponse> {
    return this.#lock.run('git', () => workspaceChanges({ ...this.#options, signal }));
  }

  /** `POST /git/commit`. */
  commit(request: GitCommitRequest, signal?: AbortSignal): Promise<GitCommitResponse> {
    return this.#lock.run('git', () => commitWorkspace(request, { ...this.#options, signal }));
  }
}
