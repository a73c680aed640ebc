/**
 * @module Git in the user's local workspace for the solve flow, through `simple-git`: which GitHub
 * repository the folder is a clone of, checking out a solve's pushed branch, and applying a failed
 * solve's patch. Every refusal is a {@link LocalGitError} whose message says what to do. A token
 * given for a fetch reaches git only through a credential helper scoped to that remote's origin,
 * read from the environment of that one git process: never in a URL, an argument or a log.
 */
import { GitError, simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { InvalidGitHubRefError, parseGitHubRef } from './issue-ref';
import type { GitHubRef, ParseGitHubRefOptions } from './issue-ref';

/** Why a local git operation was refused or failed. */
export type LocalGitFailureKind =
  | 'not_a_repository'
  | 'other_repository'
  | 'uncommitted_changes'
  | 'fetch_failed'
  | 'checkout_failed'
  | 'patch_failed';

/** A local git operation that did not happen; the message is a sentence for the user. */
export class LocalGitError extends Error {
  override readonly name = 'LocalGitError';
  constructor(
    readonly kind: LocalGitFailureKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A remote of the local repository that points at a GitHub repository. */
export interface GitHubRemote {
  /** The remote's name, e.g. `origin`. */
  name: string;
  /** Its fetch URL, as configured. */
  url: string;
  /** The repository it names. */
  ref: Required<Pick<GitHubRef, 'owner' | 'repo'>>;
  /** The host of `url` (lower case), to pick github.com or an Enterprise server. */
  host: string;
}

/** Where git runs and how it reaches the GitHub host. */
export interface LocalGitOptions {
  /** A folder inside the working tree (the workspace folder). */
  folder: string;
  /** GitHub Enterprise (or other) web root whose host is accepted in remotes besides github.com. */
  webUrl?: string;
  /** The environment git starts from; `process.env` by default (tests pass their own `HOME`). */
  env?: NodeJS.ProcessEnv;
}

/** Variables simple-git refuses to pass through an explicit environment (it strips them otherwise). */
const GUARDED_ENV = new Set(['editor', 'pager', 'prefix', 'ssh_askpass', 'visual']);
/** The variable the scoped credential helper reads the token from. */
const TOKEN_VARIABLE = 'HANDOFF_GIT_TOKEN';
/** Prints a token credential for `get` and ignores `store`/`erase`; the token comes from the environment. */
const CREDENTIAL_HELPER = `!f() { test "$1" = get || exit 0; echo username=x-access-token; echo "password=$${TOKEN_VARIABLE}"; }; f`;
/** A git that hangs (a stalled network) is stopped after this long without output. */
const BLOCK_TIMEOUT_MS = 120_000;

function gitEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    const lower = key.toLowerCase();
    if (value === undefined || lower.startsWith('git_') || GUARDED_ENV.has(lower)) continue;
    env[key] = value;
  }
  // No terminal to type a password into: a missing credential fails instead of waiting forever.
  return { ...env, GIT_TERMINAL_PROMPT: '0', ...extra };
}

/**
 * simple-git in `folder`, with no terminal prompts, a stall timeout, and (with `config`) `-c`
 * settings; `token` is put in this process's environment for the scoped credential helper.
 */
export function localGit(
  folder: string,
  options: { env?: NodeJS.ProcessEnv; config?: string[]; token?: string } = {},
): SimpleGit {
  const scoped = options.config !== undefined && options.config.length > 0;
  const instance = simpleGit({
    baseDir: folder,
    config: options.config ?? [],
    allowEnvironment: ['GIT_TERMINAL_PROMPT'],
    timeout: { block: BLOCK_TIMEOUT_MS },
    ...(scoped ? { unsafe: { allowUnsafeCredentialHelper: true } } : {}),
  });
  return instance.env(
    gitEnv(
      options.env ?? process.env,
      options.token === undefined ? {} : { [TOKEN_VARIABLE]: options.token },
    ),
  );
}

/** git's message without its `fatal:`/`error:` prefixes, on one line. */
export function gitMessage(error: unknown): string {
  const text = error instanceof GitError || error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .map((line) => line.replace(/^(fatal|error|hint):\s*/, '').trim())
    .filter((line) => line !== '')
    .join(' ')
    .slice(0, 500);
}

/** The working tree's top folder; refuses a folder that is not in a git repository. */
export async function repositoryRoot(options: LocalGitOptions): Promise<string> {
  try {
    return (await localGit(options.folder, options).revparse(['--show-toplevel'])).trim();
  } catch (error) {
    throw new LocalGitError(
      'not_a_repository',
      `${options.folder} is not a git repository: open the folder of a clone of the repository.`,
      { cause: error },
    );
  }
}

/** Every remote that names a GitHub repository (github.com or the `webUrl` host), `origin` first. */
export async function gitHubRemotes(options: LocalGitOptions): Promise<GitHubRemote[]> {
  const root = await repositoryRoot(options);
  const remotes = await localGit(root, options).getRemotes(true);
  const parseOptions: ParseGitHubRefOptions = options.webUrl === undefined ? {} : { webUrl: options.webUrl };
  const found: GitHubRemote[] = [];
  for (const remote of remotes) {
    const url = remote.refs.fetch;
    const ref = tryParse(url, parseOptions);
    const host = remoteHost(url);
    if (ref === undefined || host === undefined) continue;
    found.push({ name: remote.name, url, ref: { owner: ref.owner, repo: ref.repo }, host });
  }
  return found.sort((a, b) => Number(b.name === 'origin') - Number(a.name === 'origin'));
}

/** The GitHub repository the folder is a clone of (`origin` first, else the first remote); none: undefined. */
export async function detectGitHubRemote(options: LocalGitOptions): Promise<GitHubRemote | undefined> {
  try {
    return (await gitHubRemotes(options))[0];
  } catch (error) {
    if (error instanceof LocalGitError) return undefined;
    throw error;
  }
}

function tryParse(url: string, options: ParseGitHubRefOptions): GitHubRef | undefined {
  try {
    const ref = parseGitHubRef(url, options);
    return ref.number === undefined ? ref : undefined;
  } catch (error) {
    if (error instanceof InvalidGitHubRefError) return undefined;
    throw error;
  }
}

/** The host of an `https://`, `ssh://` or scp-style (`git@host:owner/repo`) remote, lower case. */
export function remoteHost(url: string): string | undefined {
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)/.exec(url.trim());
  if (scp) return scp[1]?.toLowerCase();
  try {
    const host = new URL(url.trim()).hostname.toLowerCase();
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}

/** The remote of `owner/repo`; refuses a repository that has none. */
export async function remoteOf(
  options: LocalGitOptions & { owner: string; repo: string },
): Promise<GitHubRemote> {
  const remotes = await gitHubRemotes(options);
  const same = (remote: GitHubRemote): boolean =>
    remote.ref.owner.toLowerCase() === options.owner.toLowerCase() &&
    remote.ref.repo.toLowerCase() === options.repo.toLowerCase();
  const remote = remotes.find(same);
  if (remote) return remote;
  throw new LocalGitError(
    'other_repository',
    `The workspace is not a clone of ${options.owner}/${options.repo} (none of its git remotes points there): open a clone of it, or add it as a remote.`,
  );
}

/** Paths of tracked files with changes not yet committed (untracked files do not count). */
export async function uncommitted(repo: SimpleGit): Promise<string[]> {
  const status = await repo.raw(['status', '--porcelain', '--untracked-files=no']);
  return status
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.slice(3));
}

/** `-c credential.<origin>.helper=…` for an HTTPS remote, so the token goes to that origin only. */
export function credentialConfig(url: string, token: string | undefined): string[] {
  if (token === undefined || !/^https?:\/\//i.test(url)) return [];
  const origin = new URL(url).origin;
  return [`credential.${origin}.helper=${CREDENTIAL_HELPER}`];
}
