/**
 * @module A local stand-in for the GitHub REST API on 127.0.0.1: exactly the endpoints the solve
 * flow uses (see `github-stand-in-routes.ts`), with GitHub's shapes, status codes, error bodies
 * and headers, so the real `@octokit/rest` client can be pointed at it with `baseUrl`. Tests seed
 * tokens, repositories, issues, comments and branches, and read back every request it served.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorReply } from './github-stand-in-reply.js';
import type { RouteReply } from './github-stand-in-reply.js';
import type { RouteContext } from './github-stand-in-routes.js';
import { matchRoute, runRoute } from './github-stand-in-routes.js';
import type {
  StandInIssueSeed,
  StandInRepoSeed,
  StandInToken,
  StoredComment,
  StoredIssue,
  StoredPull,
} from './github-stand-in-store.js';
import { GitHubStandInStore } from './github-stand-in-store.js';

export type { StandInIssueSeed, StandInRepoSeed, StandInToken, StoredComment, StoredIssue, StoredPull };

/** How the stand-in is started. */
export interface GitHubStandInOptions {
  /** Serve below this path, as GitHub Enterprise serves `/api/v3`; default none. */
  apiPrefix?: string;
  /** Root of `html_url`s; default `https://github.com`. */
  webUrl?: string;
  /** Root of `clone_url`s (`<gitUrl>/<owner>/<repo>.git`), e.g. a loopback git server; default `webUrl`. */
  gitUrl?: string;
  /**
   * Whether a branch exists, for `POST …/pulls`' `head` and `base` (a git server can answer);
   * default: the default branch plus those seeded with `branches` or `addBranch`.
   */
  branchExists?: (owner: string, repo: string, ref: string) => boolean | Promise<boolean>;
}

/** A request as the stand-in served it; the `authorization` header is left out. */
export interface RecordedGitHubRequest {
  method: string;
  /** Below the API root, without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** Who the token belongs to; undefined for an anonymous or rejected caller. */
  login: string | undefined;
  status: number;
}

/** The GitHub REST stand-in; `start()` it, point a client at `url`, `stop()` it. */
export class GitHubStandIn {
  readonly requests: RecordedGitHubRequest[] = [];
  private readonly store = new GitHubStandInStore();
  private readonly context: RouteContext;
  private requestCount = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: GitHubStandInOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    const api = `http://127.0.0.1:${String(port)}${options.apiPrefix ?? ''}`;
    const web = options.webUrl ?? 'https://github.com';
    this.context = {
      store: this.store,
      urls: { api, web, git: options.gitUrl ?? web },
      branchExists:
        options.branchExists ??
        ((owner, repo, ref) => this.store.findRepo(owner, repo)?.branches.has(ref) ?? false),
    };
  }

  static async start(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
    const holder: { self?: GitHubStandIn } = {};
    const server = createServer((request, response) => {
      holder.self?.serve(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new GitHubStandIn(server, options);
    return holder.self;
  }

  /** The API root to pass as Octokit's `baseUrl`. */
  get url(): string {
    return this.context.urls.api;
  }

  addToken(token: StandInToken): void {
    this.store.addToken(token);
  }

  addRepo(seed: StandInRepoSeed): void {
    this.store.addRepo(seed);
  }

  /** `fullName` is `owner/repo`; returns the issue with its number. */
  addIssue(fullName: string, seed: StandInIssueSeed): StoredIssue {
    const [owner, name] = split(fullName);
    return this.store.addIssue(owner, name, seed);
  }

  addComment(fullName: string, issueNumber: number, comment: { body: string; user?: string }): StoredComment {
    const [owner, name] = split(fullName);
    return this.store.addComment(owner, name, {
      issueNumber,
      body: comment.body,
      user: comment.user ?? 'octocat',
    });
  }

  /** Makes a branch exist for the default `branchExists` (as if it had been pushed). */
  addBranch(fullName: string, ref: string): void {
    const [owner, name] = split(fullName);
    const repo = this.store.findRepo(owner, name);
    if (!repo) throw new Error(`The GitHub stand-in has no repository ${fullName}: seed it first.`);
    repo.branches.add(ref);
  }

  /** Pull requests opened so far, newest first. */
  pulls(fullName: string): StoredPull[] {
    const [owner, name] = split(fullName);
    return this.store.pulls(owner, name);
  }

  /** An issue's comments, seeded and posted, oldest first. */
  comments(fullName: string, issueNumber: number): StoredComment[] {
    const [owner, name] = split(fullName);
    return this.store.comments(owner, name, issueNumber);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const prefix = this.options.apiPrefix ?? '';
    // Outside the prefix nothing matches, as on a GitHub Enterprise host outside /api/v3.
    const path = url.pathname.startsWith(prefix)
      ? url.pathname.slice(prefix.length) || '/'
      : `!${url.pathname}`;
    const method = request.method ?? 'GET';
    const auth = authorize(this.store, request.headers.authorization);
    const body = parseJson(text);
    const reply = await this.reply(method, path, url, auth, body);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => name !== 'authorization'),
    );
    this.requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body.ok ? body.value : text,
      login: auth.ok ? auth.token?.login : undefined,
      status: reply.status,
    });
    response.writeHead(reply.status, { ...this.headers(auth.ok ? auth.token : undefined), ...reply.headers });
    response.end(JSON.stringify(reply.body));
  }

  private async reply(
    method: string,
    path: string,
    url: URL,
    auth: ReturnType<typeof authorize>,
    body: ReturnType<typeof parseJson>,
  ): Promise<RouteReply> {
    // GitHub checks the token before anything else, even on endpoints that need none.
    if (!auth.ok) return errorReply(401, { message: 'Bad credentials' });
    const matched = matchRoute(method, path);
    if (!matched) return errorReply(404, { message: 'Not Found' });
    if (!body.ok) return errorReply(400, { message: 'Problems parsing JSON' }, matched.route.docs);
    return runRoute(this.context, matched.route, {
      params: matched.params,
      query: url.searchParams,
      body: body.value,
      token: auth.token,
      pathAndQuery: `${path}${url.search}`,
    });
  }

  private headers(token: StandInToken | undefined): Record<string, string> {
    const count = ++this.requestCount;
    const hex = count.toString(16).toUpperCase().padStart(6, '0');
    return {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': `C0DE:${hex}:${hex}0:${hex}00:6600${hex}`,
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': token ? '5000' : '60',
      'x-ratelimit-remaining': String(Math.max((token ? 5000 : 60) - count, 0)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(count),
      'x-ratelimit-resource': 'core',
      ...(token?.scopes && { 'x-oauth-scopes': token.scopes.join(', ') }),
    };
  }
}

/** `token X` or `Bearer X`; no header is an anonymous caller, an unknown token is refused. */
function authorize(
  store: GitHubStandInStore,
  header: string | undefined,
): { ok: true; token: StandInToken | undefined } | { ok: false } {
  if (header === undefined) return { ok: true, token: undefined };
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
  const token = match?.[1] === undefined ? undefined : store.findToken(match[1]);
  return token ? { ok: true, token } : { ok: false };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function split(fullName: string): [string, string] {
  const [owner, name, ...rest] = fullName.split('/');
  if (!owner || !name || rest.length > 0) throw new Error(`Expected owner/repo, got ${fullName}.`);
  return [owner, name];
}
