/**
 * @module Parses what a user or a workspace gives us into a GitHub repository and, when present,
 * an issue number: `owner/repo#123`, an issue URL (github.com or a GitHub Enterprise host) and a
 * git remote URL (https, scp-style ssh, `ssh://`).
 */

export interface GitHubRef {
  owner: string;
  repo: string;
  /** The issue, when the text named one. */
  number?: number;
}

export interface ParseGitHubRefOptions {
  /** The web root of a GitHub Enterprise server, e.g. `https://ghe.example`; github.com is always accepted. */
  webUrl?: string;
}

/** Thrown for text that names no GitHub repository; the message is for the user. */
export class InvalidGitHubRefError extends Error {
  override readonly name = 'InvalidGitHubRefError';
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SHORT = /^([^/\s#:@]+)\/([^/\s#:@]+)(?:#([^#]*))?$/;
const SCP = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):([^/].*)$/;

/** `owner/repo#123`, an issue or repository URL, or a git remote URL → {@link GitHubRef}. */
export function parseGitHubRef(text: string, options: ParseGitHubRefOptions = {}): GitHubRef {
  const input = text.trim();
  const fail = (): never => {
    throw new InvalidGitHubRefError(
      `not a GitHub repository: "${safeForMessage(input)}". Use owner/repo#123, an issue URL such as https://github.com/owner/repo/issues/123, or the repository's git remote URL.`,
    );
  };
  const scp = SCP.exec(input);
  if (scp) {
    if (!hosts(options).has((scp[1] ?? '').toLowerCase())) return fail();
    return fromPath(scp[2] ?? '', '') ?? fail();
  }
  const short = SHORT.exec(input);
  if (short) return build(short[1], short[2], short[3], false) ?? fail();
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail();
  }
  if (
    !['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) ||
    !hosts(options).has(url.hostname.toLowerCase())
  )
    return fail();
  return fromPath(url.pathname, webPrefix(options, url)) ?? fail();
}

/** `owner/repo`, `owner/repo.git`, `owner/repo/issues/12` below an optional path prefix. */
function fromPath(pathname: string, prefix: string): GitHubRef | undefined {
  let path = pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  if (prefix !== '') {
    if (!path.startsWith(`${prefix}/`)) return undefined;
    path = path.slice(prefix.length + 1);
  }
  const parts = path.split('/');
  const [owner, repo] = parts;
  if (parts.length === 2) return build(owner, repo, undefined, true);
  if (parts.length === 4 && parts[2] === 'issues') return build(owner, repo, parts[3], false);
  return undefined;
}

function build(
  owner: string | undefined,
  rawRepo: string | undefined,
  number: string | undefined,
  gitSuffix: boolean,
): GitHubRef | undefined {
  const repo = gitSuffix ? rawRepo?.replace(/\.git$/, '') : rawRepo;
  if (owner === undefined || repo === undefined || !OWNER.test(owner) || !REPO.test(repo)) return undefined;
  if (repo === '.' || repo === '..') return undefined;
  if (number === undefined) return { owner, repo };
  if (!/^\d+$/.test(number)) return undefined;
  const n = Number(number);
  return n > 0 && Number.isSafeInteger(n) ? { owner, repo, number: n } : undefined;
}

function hosts(options: ParseGitHubRefOptions): Set<string> {
  const all = new Set(['github.com', 'www.github.com']);
  const web = enterprise(options);
  if (web) all.add(web.hostname.toLowerCase());
  return all;
}

/** The Enterprise web root's path (e.g. `github` for `https://host/github`), for URLs on its host. */
function webPrefix(options: ParseGitHubRefOptions, url: URL): string {
  const web = enterprise(options);
  if (!web || web.hostname.toLowerCase() !== url.hostname.toLowerCase() || url.protocol === 'ssh:') return '';
  return web.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
}

function enterprise(options: ParseGitHubRefOptions): URL | undefined {
  if (options.webUrl === undefined || options.webUrl === '') return undefined;
  try {
    return new URL(options.webUrl);
  } catch {
    return undefined;
  }
}

/** The input as we may show it: no credentials (`https://user:token@host/…`), bounded length. */
function safeForMessage(input: string): string {
  const stripped = input.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
  return stripped.length > 200 ? `${stripped.slice(0, 200)}…` : stripped;
}
