import type { GitChangedFile, GitFileStatus } from '@handoff/protocol';
import type { CommandUser } from '../actions/action-context';
import { SandboxError } from '../errors';
import { gitEnv, workspaceFlags } from './git-env';
import { gitFailure } from './git-failure';
import type { GitStep } from './git-failure';
import { runProcess } from './run-git';
import type { ProcessResult } from './run-git';

/** What the git executors work with. */
export interface GitContext {
  /** The workspace folder (absolute, real): the repository's working tree. */
  workspace: string;
  /** The server's environment; git takes only its network variables (see `gitEnv`). */
  env: NodeJS.ProcessEnv;
  /** Owner of the workspace, and the user git runs as on it; the server's own user when absent. */
  commandUser?: CommandUser | undefined;
  /** Aborts when the HTTP client went away: the running git is killed. */
  signal?: AbortSignal | undefined;
}

/** The ref that keeps the commit the clone started from. */
export const BASE_REF = 'refs/handoff/base';

/** How long one local git call may take. */
const LOCAL_TIMEOUT_MS = 5 * 60_000;

/** Options of one git call. */
export interface GitRunOptions {
  /** Variables added to git's environment (e.g. a temporary index). */
  env?: Record<string, string>;
  maxStdoutBytes?: number;
  timeoutMs?: number;
}

/**
 * Runs git on the workspace with the hooks, fsmonitor and signing of `.git` off, as the command
 * user: whatever else the agent configured there (filters, attributes) then runs with the agent's
 * own rights. No token is ever in these processes' environment.
 */
export class WorkspaceGit {
  constructor(readonly ctx: GitContext) {}

  /** Runs `git <args>`; a non-zero exit is in the result. */
  run(args: readonly string[], options: GitRunOptions = {}): Promise<ProcessResult> {
    return this.tool('git', [...workspaceFlags(this.ctx.workspace), ...args], options);
  }

  /** Runs `git <args>` and returns its stdout; a non-zero exit throws `gitFailure(step)`. */
  async ok(args: readonly string[], step: GitStep, options: GitRunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.exitCode !== 0) throw gitFailure(step, result);
    return result.stdout.toString('utf8');
  }

  /** Runs another program (`cp`, `mkdir`) in the workspace as the command user. */
  tool(command: string, args: readonly string[], options: GitRunOptions = {}): Promise<ProcessResult> {
    return runProcess(command, args, {
      cwd: this.ctx.workspace,
      env: { ...gitEnv(this.ctx.env, this.ctx.commandUser), ...options.env },
      timeoutMs: options.timeoutMs ?? LOCAL_TIMEOUT_MS,
      signal: this.ctx.signal,
      user: this.ctx.commandUser,
      ...(options.maxStdoutBytes === undefined ? {} : { maxStdoutBytes: options.maxStdoutBytes }),
    });
  }

  /** The clone's base commit; `workspace_conflict` when the workspace holds no clone. */
  async baseCommit(): Promise<string> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', `${BASE_REF}^{commit}`]);
    const commit = result.stdout.toString('utf8').trim();
    if (result.exitCode !== 0 || commit === '') {
      throw new SandboxError(
        'workspace_conflict',
        'The workspace holds no repository cloned by the sandbox: clone a repository first (POST /git/clone).',
      );
    }
    return commit;
  }

  /** The branch checked out, or `HEAD` when it is detached. */
  async currentBranch(): Promise<string> {
    const result = await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    const branch = result.stdout.toString('utf8').trim();
    return result.exitCode === 0 && branch !== '' ? branch : 'HEAD';
  }

  /** The files that differ between `from` and `to` (`index`: the index), renames found. */
  async changedFiles(
    from: string,
    to: { commit: string } | 'index',
    options: GitRunOptions = {},
  ): Promise<GitChangedFile[]> {
    const range = to === 'index' ? ['--cached', from] : [from, to.commit];
    const out = await this.ok(
      ['diff', '--no-ext-diff', '--no-textconv', '--name-status', '-z', '-M', ...range, '--'],
      { what: 'Listing the changed files' },
      options,
    );
    return parseNameStatus(out);
  }
}

const STATUS: Record<string, GitFileStatus> = {
  A: 'added',
  C: 'added',
  M: 'modified',
  U: 'modified',
  D: 'deleted',
  R: 'renamed',
  T: 'type_changed',
};

/** Parses `git diff --name-status -z`: `X\0path\0`, or `R100\0old\0new\0` for a rename or copy. */
export function parseNameStatus(out: string): GitChangedFile[] {
  const fields = out.split('\0');
  const files: GitChangedFile[] = [];
  for (let i = 0; i < fields.length;) {
    const letter = (fields[i] ?? '').charAt(0);
    if (letter === '') break;
    const status = STATUS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      const oldPath = fields[i + 1] ?? '';
      const path = fields[i + 2] ?? '';
      files.push(letter === 'R' ? { path, status, oldPath } : { path, status });
      i += 3;
    } else {
      files.push({ path: fields[i + 1] ?? '', status });
      i += 2;
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
