/**
 * @module How the GitHub stand-in's routes answer: the request they see, the reply they give,
 * GitHub's error bodies (`message`, `documentation_url`, `status`, and `errors` on a 422) and
 * `link` pagination.
 */
import type { StandInToken } from './github-stand-in-store.js';

export const DOCS = 'https://docs.github.com/rest';

/** What a route sees of a request once the caller is known. */
export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Undefined for an anonymous caller (an unknown token never gets this far). */
  token: StandInToken | undefined;
  /** The request's URL below the API root, for `link` headers. */
  pathAndQuery: string;
}

export interface RouteReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown by a route to answer with GitHub's error body (and the route's `documentation_url`). */
export class GitHubError extends Error {
  override readonly name = 'GitHubError';
  constructor(
    readonly status: number,
    readonly body: { message: string; errors?: unknown[] },
  ) {
    super(body.message);
  }
}

/** GitHub's error body: `message`, `documentation_url` and the status as a string. */
export function errorReply(
  status: number,
  body: { message: string; errors?: unknown[] },
  docs = DOCS,
): RouteReply {
  return { status, body: { ...body, documentation_url: docs, status: String(status) } };
}

/** One page of `items` per `page` and `per_page` (30 by default, 100 at most), with GitHub's `link` header. */
export function paginate(apiRoot: string, request: RouteRequest, items: unknown[]): RouteReply {
  const perPage = Math.min(Math.max(Number(request.query.get('per_page') ?? 30) || 30, 1), 100);
  const page = Math.max(Number(request.query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const links: string[] = [];
  const link = (p: number, rel: string) => {
    const url = new URL(request.pathAndQuery, 'http://stand-in');
    url.searchParams.set('page', String(p));
    links.push(`<${apiRoot}${url.pathname}${url.search}>; rel="${rel}"`);
  };
  if (page > 1) link(page - 1, 'prev');
  if (page < last) link(page + 1, 'next');
  if (page < last) link(last, 'last');
  if (page > 1) link(1, 'first');
  return { status: 200, body, headers: links.length ? { link: links.join(', ') } : {} };
}

export function field(raw: unknown, name: string): string | undefined {
  if (!isRecord(raw)) return undefined;
  const value = raw[name];
  return typeof value === 'string' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function notFound(): GitHubError {
  return new GitHubError(404, { message: 'Not Found' });
}

export function notAccessible(): GitHubError {
  return new GitHubError(403, { message: 'Resource not accessible by personal access token' });
}

export function notSupplied(name: string): GitHubError {
  return new GitHubError(422, { message: `Invalid request.\n\n"${name}" wasn't supplied.` });
}

export function validationFailed(error: { resource: string; code: string; field: string }): GitHubError {
  return new GitHubError(422, { message: 'Validation Failed', errors: [error] });
}

export function custom(message: string): GitHubError {
  return new GitHubError(422, {
    message: 'Validation Failed',
    errors: [{ resource: 'PullRequest', code: 'custom', message }],
  });
}
