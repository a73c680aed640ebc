/**
 * @module A thin client over `@octokit/rest` with exactly what the solve flow needs. Every
 * failed request becomes a {@link GitHubApiError} whose message is one sentence the user can act
 * on; the token never appears in it.
 */
import { Octokit } from '@octokit/rest';
import { HandoffError } from '../agent/errors.js';

/** How a GitHub request failed, as the user should understand it. */
export type GitHubFailureKind = 'unauthorized' | 'forbidden' | 'not_found' | 'validation' | 'failed';

/** A GitHub request that failed, with a sentence for the user as its message. */
export class GitHubApiError extends HandoffError {
  override readonly name: string = 'GitHubApiError';
  constructor(
    readonly kind: GitHubFailureKind,
    /** The HTTP status; 0 when no response came back. */
    readonly status: number,
    message: string,
    /** GitHub's `x-github-request-id`, for support. */
    readonly requestId?: string,
  ) {
    super(
      kind === 'unauthorized' || kind === 'forbidden'
        ? 'unauthorized'
        : kind === 'failed'
          ? 'connection_failed'
          : 'invalid_request',
      message,
    );
  }
}

export interface GitHubClientOptions {
  /** A GitHub token (OAuth or personal access token). */
  auth: string;
  /** The API root; default `https://api.github.com` (GitHub Enterprise: `https://host/api/v3`). */
  baseUrl?: string;
  /** Where octokit logs; default: its own (warnings and errors to the console). */
  log?: {
    debug: (m: string) => void;
    info: (m: string) => void;
    warn: (m: string) => void;
    error: (m: string) => void;
  };
}

/** The token's user. */
export interface GitHubUser {
  login: string;
  id: number;
  /** The profile name, when set. */
  name: string | undefined;
}

export interface GitHubRepository {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** Whether the token may push branches to it. */
  canPush: boolean;
  private: boolean;
  htmlUrl: string;
  cloneUrl: string;
}

export interface GitHubIssueSummary {
  number: number;
  title: string;
  htmlUrl: string;
  user: string;
  labels: string[];
}

export interface GitHubComment {
  user: string;
  body: string;
  createdAt: string;
}

export interface GitHubIssue extends GitHubIssueSummary {
  body: string;
  state: string;
  comments: GitHubComment[];
}

export interface GitHubPullRequest {
  number: number;
  htmlUrl: string;
  draft: boolean;
  head: string;
  base: string;
}

export interface DraftPullRequestInput {
  owner: string;
  repo: string;
  /** The pushed branch. */
  head: string;
  /** The branch to merge into, usually the default branch. */
  base: string;
  title: string;
  body: string;
}

/** What the failing call was doing, for the error sentence. */
interface Attempt {
  /** `owner/repo` or `owner/repo#n`. */
  target: string;
  /** What a 403 means here, e.g. "push to acme/widgets". */
  needs: string;
  /** e.g. "open the pull request". */
  doing: string;
}

const PER_PAGE = 100;

/** The GitHub calls the solve flow makes. */
export class GitHubClient {
  private readonly octokit: Octokit;

  constructor(private readonly options: GitHubClientOptions) {
    this.octokit = new Octokit({
      auth: options.auth,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
  }

  /** The token's user. */
  async me(): Promise<GitHubUser> {
    const attempt = { target: 'your account', needs: 'read your account', doing: 'look up your account' };
    const { data } = await this.call(attempt, () => this.octokit.rest.users.getAuthenticated());
    return { login: data.login, id: data.id, name: data.name ?? undefined };
  }

  /**
   * The user's private commit email, `<id>+<login>@users.noreply.<host>`: GitHub attributes the
   * commit to the account without revealing an address (Enterprise: its own host).
   */
  noreplyEmail(user: Pick<GitHubUser, 'id' | 'login'>): string {
    const api = this.options.baseUrl ?? 'https://api.github.com';
    let host = 'github.com';
    try {
      const hostname = new URL(api).hostname;
      if (hostname !== 'api.github.com') host = hostname;
    } catch {
      // A base URL octokit accepted is a URL; keep github.com otherwise.
    }
    return `${String(user.id)}+${user.login}@users.noreply.${host}`;
  }

  async repo(owner: string, repo: string): Promise<GitHubRepository> {
    const target = `${owner}/${repo}`;
    const attempt = { target, needs: `read ${target}`, doing: `read ${target}` };
    const { data } = await this.call(attempt, () => this.octokit.rest.repos.get({ owner, repo }));
    return {
      owner: data.owner.login,
      repo: data.name,
      defaultBranch: data.default_branch,
      canPush: data.permissions?.push ?? false,
      private: data.private,
      htmlUrl: data.html_url,
      cloneUrl: data.clone_url,
    };
  }

  /** Every open issue, newest first; pull requests (which GitHub lists as issues) are left out. */
  async openIssues(owner: string, repo: string): Promise<GitHubIssueSummary[]> {
    const target = `${owner}/${repo}`;
    const attempt = { target, needs: `read the issues of ${target}`, doing: `list the issues of ${target}` };
    const issues = await this.call(attempt, () =>
      this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
        owner,
        repo,
        state: 'open',
        per_page: PER_PAGE,
      }),
    );
    return issues.filter((issue) => issue.pull_request === undefined).map(summary);
  }

  /** One issue with its comments, oldest first. */
  async issue(owner: string, repo: string, issueNumber: number): Promise<GitHubIssue> {
    const target = `${owner}/${repo}#${String(issueNumber)}`;
    const attempt = { target, needs: `read ${target}`, doing: `read ${target}` };
    const ref = { owner, repo, issue_number: issueNumber };
    const { data } = await this.call(attempt, () => this.octokit.rest.issues.get(ref));
    const comments = await this.call(attempt, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, { ...ref, per_page: PER_PAGE }),
    );
    return {
      ...summary(data),
      body: data.body ?? '',
      state: data.state,
      comments: comments.map((c) => ({
        user: c.user?.login ?? 'ghost',
        body: c.body ?? '',
        createdAt: c.created_at,
      })),
    };
  }

  async createDraftPullRequest(input: DraftPullRequestInput): Promise<GitHubPullRequest> {
    const { owner, repo, head, base, title, body } = input;
    const target = `${owner}/${repo}`;
    const attempt = { target, needs: `open pull requests in ${target}`, doing: 'open the pull request' };
    const { data } = await this.call(attempt, () =>
      this.octokit.rest.pulls.create({ owner, repo, head, base, title, body, draft: true }),
    );
    return pull(data);
  }

  /** The open pull request from branch `head` (of `owner`'s repository, unless given as `user:branch`). */
  async findOpenPullRequest(
    owner: string,
    repo: string,
    head: string,
  ): Promise<GitHubPullRequest | undefined> {
    const target = `${owner}/${repo}`;
    const attempt = {
      target,
      needs: `read the pull requests of ${target}`,
      doing: `look for a pull request in ${target}`,
    };
    const qualified = head.includes(':') ? head : `${owner}:${head}`;
    const { data } = await this.call(attempt, () =>
      this.octokit.rest.pulls.list({ owner, repo, head: qualified, state: 'open' }),
    );
    const found = data[0];
    return found === undefined ? undefined : pull(found);
  }

  /** Posts a comment on an issue or pull request. */
  async comment(
    owner: string,
    repo: string,
    issueNumber: number,
    body: string,
  ): Promise<{ id: number; htmlUrl: string }> {
    const target = `${owner}/${repo}#${String(issueNumber)}`;
    const attempt = { target, needs: `comment on ${target}`, doing: `comment on ${target}` };
    const { data } = await this.call(attempt, () =>
      this.octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
    );
    return { id: data.id, htmlUrl: data.html_url };
  }

  private async call<T>(attempt: Attempt, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toGitHubApiError(error, attempt, this.options.auth);
    }
  }
}

function summary(issue: {
  number: number;
  title: string;
  html_url: string;
  user: { login: string } | null;
  labels: (string | { name?: string })[];
}): GitHubIssueSummary {
  return {
    number: issue.number,
    title: issue.title,
    htmlUrl: issue.html_url,
    user: issue.user?.login ?? 'ghost',
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
  };
}

function pull(data: {
  number: number;
  html_url: string;
  draft?: boolean;
  head: { ref: string };
  base: { ref: string };
}): GitHubPullRequest {
  return {
    number: data.number,
    htmlUrl: data.html_url,
    draft: data.draft ?? false,
    head: data.head.ref,
    base: data.base.ref,
  };
}

/** What octokit's `RequestError` carries that we read. */
interface RequestErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    error instanceof Error &&
    error.name === 'HttpError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/** Turns whatever a request threw into a {@link GitHubApiError} with a sentence for the user. */
function toGitHubApiError(error: unknown, attempt: Attempt, token: string): GitHubApiError {
  if (!isRequestError(error)) {
    const why = error instanceof Error ? error.message : String(error);
    return new GitHubApiError(
      'failed',
      0,
      scrub(`Could not reach GitHub to ${attempt.doing}: ${why}`, token),
    );
  }
  const requestId = error.response?.headers?.['x-github-request-id'];
  const id = requestId === undefined ? undefined : String(requestId);
  const make = (kind: GitHubFailureKind, message: string) =>
    new GitHubApiError(kind, error.status, scrub(message, token), id);
  switch (error.status) {
    case 401:
      return make(
        'unauthorized',
        'GitHub refused the token: sign in again (Handoff: Sign in to GitHub) and retry.',
      );
    case 403:
      return make(
        'forbidden',
        `The GitHub token has no permission to ${attempt.needs}: ask for write access to ${attempt.target.split('#')[0] ?? attempt.target}, or sign in with an account that has it.`,
      );
    case 404:
      return make('not_found', `${attempt.target} was not found (or the token cannot see it).`);
    case 422:
      return make('validation', `GitHub could not ${attempt.doing}: ${validationMessage(error)}`);
    default:
      return make(
        'failed',
        `GitHub could not ${attempt.doing} (HTTP ${String(error.status)}): ${githubMessage(error)}`,
      );
  }
}

function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
  )
    return (data as { message: string }).message;
  return error.message;
}

/** GitHub's 422 body: `message` plus `errors` that are either `{message}` or `{resource, field, code}`. */
function validationMessage(error: RequestErrorLike): string {
  const data = error.response?.data as { errors?: unknown } | undefined;
  const details = Array.isArray(data?.errors)
    ? data.errors.map(describeValidation).filter((d) => d !== '')
    : [];
  const text = details.length > 0 ? details.join('; ') : githubMessage(error);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function describeValidation(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item !== 'object' || item === null) return '';
  const { message, field, code } = item as { message?: unknown; field?: unknown; code?: unknown };
  if (typeof message === 'string') return message;
  if (typeof field === 'string')
    return `${field} is ${typeof code === 'string' ? code.replace(/_/g, ' ') : 'invalid'}`;
  return '';
}

function scrub(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('<redacted>');
}
