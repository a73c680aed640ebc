/**
 * @module The GitHub REST endpoints the solve flow uses, answered from a `GitHubStandInStore`
 * with GitHub's status codes, error bodies and `link` pagination.
 */
import type { StandInUrls } from './github-stand-in-shapes.js';
import {
  authenticatedUserJson,
  commentJson,
  issueJson,
  issuePullRequestJson,
  pullJson,
  repoJson,
  userJson,
} from './github-stand-in-shapes.js';
import type { RouteReply, RouteRequest } from './github-stand-in-reply.js';
import {
  custom,
  DOCS,
  errorReply,
  field,
  GitHubError,
  isRecord,
  notAccessible,
  notFound,
  notSupplied,
  paginate,
  validationFailed,
} from './github-stand-in-reply.js';
import type { GitHubStandInStore, StandInToken, StoredIssue, StoredRepo } from './github-stand-in-store.js';

export type { RouteReply, RouteRequest };

/** Everything routes need besides the request. */
export interface RouteContext {
  store: GitHubStandInStore;
  urls: StandInUrls;
  branchExists: (owner: string, repo: string, ref: string) => boolean | Promise<boolean>;
}

type Handler = (ctx: RouteContext, request: RouteRequest) => RouteReply | Promise<RouteReply>;

interface Route {
  method: string;
  pattern: RegExp;
  /** The `documentation_url` of this endpoint's errors. */
  docs: string;
  handler: Handler;
}

const REPO = '/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';
const ISSUE = '/issues/(?<number>\\d+)';

const routes: Route[] = (
  [
    ['GET', /^\/user$/, 'users/users#get-the-authenticated-user', getUser],
    ['GET', re(''), 'repos/repos#get-a-repository', getRepo],
    ['GET', re('/issues'), 'issues/issues#list-repository-issues', listIssues],
    ['GET', re(ISSUE), 'issues/issues#get-an-issue', getIssue],
    ['GET', re(`${ISSUE}/comments`), 'issues/comments#list-issue-comments', listComments],
    ['POST', re(`${ISSUE}/comments`), 'issues/comments#create-an-issue-comment', createComment],
    ['GET', re('/pulls'), 'pulls/pulls#list-pull-requests', listPulls],
    ['POST', re('/pulls'), 'pulls/pulls#create-a-pull-request', createPull],
  ] as const
).map(([method, pattern, docs, handler]) => ({ method, pattern, docs: `${DOCS}/${docs}`, handler }));

/** Finds the route for a method and path; `undefined` answers GitHub's bare 404. */
export function matchRoute(
  method: string,
  path: string,
): { route: { docs: string; handler: Handler }; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match) return { route, params: { ...match.groups } };
  }
  return undefined;
}

/** Runs a matched route, turning a thrown `GitHubError` into its response. */
export async function runRoute(
  ctx: RouteContext,
  route: { docs: string; handler: Handler },
  request: RouteRequest,
): Promise<RouteReply> {
  try {
    return await route.handler(ctx, request);
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error;
    return errorReply(error.status, error.body, route.docs);
  }
}

function re(suffix: string): RegExp {
  return new RegExp(`^${REPO}${suffix}$`);
}

function getUser(ctx: RouteContext, request: RouteRequest): RouteReply {
  const token = requireAuth(request);
  return { status: 200, body: authenticatedUserJson(ctx.urls, token, ctx.store.userId(token.login)) };
}

function getRepo(ctx: RouteContext, request: RouteRequest): RouteReply {
  const repo = findRepo(ctx, request);
  return { status: 200, body: repoJson(ctx.urls, repo, owner(ctx, repo), request.token) };
}

function listIssues(ctx: RouteContext, request: RouteRequest): RouteReply {
  const repo = findRepo(ctx, request);
  const state = request.query.get('state') ?? 'open';
  const all = [...ctx.store.issues(repo.owner, repo.name), ...ctx.store.pulls(repo.owner, repo.name)];
  const shown = all.filter((i) => state === 'all' || i.state === state).sort((a, b) => b.number - a.number);
  return paginate(
    ctx.urls.api,
    request,
    shown.map((i) => issueLikeJson(ctx, repo, i.number)),
  );
}

function getIssue(ctx: RouteContext, request: RouteRequest): RouteReply {
  const repo = findRepo(ctx, request);
  return { status: 200, body: issueLikeJson(ctx, repo, issueNumber(ctx, repo, request)) };
}

function listComments(ctx: RouteContext, request: RouteRequest): RouteReply {
  const repo = findRepo(ctx, request);
  const number = issueNumber(ctx, repo, request);
  const comments = ctx.store.comments(repo.owner, repo.name, number);
  return paginate(
    ctx.urls.api,
    request,
    comments.map((c) => commentJson(ctx.urls, repo, c, user(ctx, c.user))),
  );
}

function createComment(ctx: RouteContext, request: RouteRequest): RouteReply {
  const token = requireAuth(request);
  const repo = findRepo(ctx, request);
  const number = issueNumber(ctx, repo, request);
  if (token.comment === false) throw notAccessible();
  const body = field(request.body, 'body');
  if (body === undefined) throw notSupplied('body');
  if (body === '') throw validationFailed({ resource: 'IssueComment', code: 'missing_field', field: 'body' });
  const comment = ctx.store.addComment(repo.owner, repo.name, {
    issueNumber: number,
    body,
    user: token.login,
  });
  return { status: 201, body: commentJson(ctx.urls, repo, comment, user(ctx, token.login)) };
}

function listPulls(ctx: RouteContext, request: RouteRequest): RouteReply {
  const repo = findRepo(ctx, request);
  const state = request.query.get('state') ?? 'open';
  const head = request.query.get('head');
  const base = request.query.get('base');
  const pulls = ctx.store
    .pulls(repo.owner, repo.name)
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => head === null || `${repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase())
    .filter((p) => base === null || p.base === base);
  return paginate(
    ctx.urls.api,
    request,
    pulls.map((p) => pullJson(ctx.urls, repo, p, pullParts(ctx, repo, p.user, request))),
  );
}

async function createPull(ctx: RouteContext, request: RouteRequest): Promise<RouteReply> {
  const token = requireAuth(request);
  const repo = findRepo(ctx, request);
  if (token.push === false) throw notAccessible();
  const { title, head: headSpec, base, body, draft } = pullFields(request.body);
  const head = headBranch(repo, headSpec);
  if (head === undefined || !(await ctx.branchExists(repo.owner, repo.name, head))) {
    throw validationFailed({ resource: 'PullRequest', field: 'head', code: 'invalid' });
  }
  if (!(await ctx.branchExists(repo.owner, repo.name, base))) {
    throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' });
  }
  const open = ctx.store
    .pulls(repo.owner, repo.name)
    .find((p) => p.state === 'open' && p.head === head && p.base === base);
  if (open) throw custom(`A pull request already exists for ${repo.owner}:${head}.`);
  if (draft && !repo.draftPullRequests)
    throw custom('Draft pull requests are not supported in this repository.');
  const pull = ctx.store.addPull(repo.owner, repo.name, {
    title,
    body,
    draft,
    user: token.login,
    head,
    base,
  });
  return { status: 201, body: pullJson(ctx.urls, repo, pull, pullParts(ctx, repo, token.login, request)) };
}

function pullFields(raw: unknown): {
  title: string;
  head: string;
  base: string;
  body: string | null;
  draft: boolean;
} {
  const title = field(raw, 'title');
  const head = field(raw, 'head');
  const base = field(raw, 'base');
  if (head === undefined) throw notSupplied('head');
  if (base === undefined) throw notSupplied('base');
  if (!title) throw validationFailed({ resource: 'PullRequest', code: 'missing_field', field: 'title' });
  const draft = isRecord(raw) && raw.draft === true;
  return { title, head, base, body: field(raw, 'body') ?? null, draft };
}

/** `head` is `branch` or `owner:branch`; another owner would be a fork, which is not modelled. */
function headBranch(repo: StoredRepo, spec: string): string | undefined {
  const colon = spec.indexOf(':');
  if (colon === -1) return spec;
  return spec.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? spec.slice(colon + 1) : undefined;
}

/** Issues and pull requests share numbers; `/issues` shows a pull request as an issue with `pull_request`. */
function issueLikeJson(ctx: RouteContext, repo: StoredRepo, number: number): unknown {
  const issue = ctx.store.findIssue(repo.owner, repo.name, number);
  const pull = ctx.store.findPull(repo.owner, repo.name, number);
  const stored: StoredIssue | undefined = issue ?? (pull && { ...pull, labels: [] });
  if (!stored) throw notFound();
  return issueJson(ctx.urls, repo, stored, {
    user: user(ctx, stored.user),
    commentCount: ctx.store.comments(repo.owner, repo.name, number).length,
    ...(pull && !issue && { pullRequest: issuePullRequestJson(ctx.urls, repo, number) }),
  });
}

function issueNumber(ctx: RouteContext, repo: StoredRepo, request: RouteRequest): number {
  const number = Number(request.params.number);
  const known =
    ctx.store.findIssue(repo.owner, repo.name, number) ?? ctx.store.findPull(repo.owner, repo.name, number);
  if (!known) throw notFound();
  return number;
}

function findRepo(ctx: RouteContext, request: RouteRequest): StoredRepo {
  const repo = ctx.store.findRepo(request.params.owner ?? '', request.params.repo ?? '');
  // GitHub hides a private repository from a caller who cannot see it behind a 404.
  if (!repo || (repo.private && !request.token)) throw notFound();
  return repo;
}

function requireAuth(request: RouteRequest): StandInToken {
  if (!request.token) throw new GitHubError(401, { message: 'Requires authentication' });
  return request.token;
}

function user(ctx: RouteContext, login: string): Record<string, unknown> {
  return userJson(ctx.urls, login, ctx.store.userId(login));
}

function owner(ctx: RouteContext, repo: StoredRepo): Record<string, unknown> {
  return user(ctx, repo.owner);
}

function pullParts(ctx: RouteContext, repo: StoredRepo, login: string, request: RouteRequest) {
  return {
    user: user(ctx, login),
    owner: owner(ctx, repo),
    repo: repoJson(ctx.urls, repo, owner(ctx, repo), request.token),
  };
}
