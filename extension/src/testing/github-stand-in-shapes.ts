/**
 * @module The JSON the GitHub stand-in answers with: the fields of GitHub's REST representations
 * (simple-user, repository, issue, issue-comment, pull-request) that clients read, with GitHub's
 * names and URL forms.
 */
import type {
  StandInToken,
  StoredComment,
  StoredIssue,
  StoredPull,
  StoredRepo,
} from './github-stand-in-store.js';

/** Where links in representations point. */
export interface StandInUrls {
  /** The API root (what clients pass as `baseUrl`). */
  api: string;
  /** The web root for `html_url`, e.g. `https://github.com`. */
  web: string;
  /** The git root for `clone_url`: `<git>/<owner>/<repo>.git`. */
  git: string;
}

type Json = Record<string, unknown>;

export function userJson(urls: StandInUrls, login: string, id: number): Json {
  return {
    login,
    id,
    node_id: `U_${String(id)}`,
    avatar_url: `${urls.web}/${login}.png`,
    url: `${urls.api}/users/${login}`,
    html_url: `${urls.web}/${login}`,
    type: 'User',
    site_admin: false,
  };
}

/** `GET /user`: the simple user plus the private-user fields that matter here. */
export function authenticatedUserJson(urls: StandInUrls, token: StandInToken, id: number): Json {
  return {
    ...userJson(urls, token.login, id),
    name: token.login,
    email: null,
    created_at: '2020-01-01T00:00:00Z',
  };
}

/** `permissions` is present only for an authenticated caller, as on GitHub. */
export function repoJson(
  urls: StandInUrls,
  repo: StoredRepo,
  owner: Json,
  token: StandInToken | undefined,
): Json {
  const fullName = `${repo.owner}/${repo.name}`;
  const push = token?.push ?? true;
  return {
    id: repo.id,
    node_id: `R_${String(repo.id)}`,
    name: repo.name,
    full_name: fullName,
    owner,
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: `${urls.web}/${fullName}`,
    url: `${urls.api}/repos/${fullName}`,
    clone_url: `${urls.git}/${fullName}.git`,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    default_branch: repo.defaultBranch,
    fork: false,
    archived: false,
    disabled: false,
    has_issues: true,
    open_issues_count: 0,
    ...(token && {
      permissions: { admin: false, maintain: false, push, triage: push, pull: true },
    }),
  };
}

export function issueJson(urls: StandInUrls, repo: StoredRepo, issue: StoredIssue, extra: IssueExtra): Json {
  const repoApi = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const url = `${repoApi}/issues/${String(issue.number)}`;
  return {
    id: issue.id,
    node_id: `I_${String(issue.id)}`,
    url,
    repository_url: repoApi,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/issues/${String(issue.number)}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state === 'closed' ? 'completed' : null,
    title: issue.title,
    body: issue.body,
    user: extra.user,
    labels: issue.labels.map((name, index) => ({
      id: index + 1,
      node_id: `LA_${String(index + 1)}`,
      url: `${repoApi}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'ededed',
      default: false,
      description: null,
    })),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: extra.commentCount,
    created_at: issue.createdAt,
    updated_at: issue.createdAt,
    closed_at: null,
    author_association: 'OWNER',
    ...(extra.pullRequest && { pull_request: extra.pullRequest }),
  };
}

export interface IssueExtra {
  user: Json;
  commentCount: number;
  /** Present only when the issue is a pull request (GitHub lists both under `/issues`). */
  pullRequest?: Json;
}

/** The `pull_request` key GitHub adds to an issue that is a pull request. */
export function issuePullRequestJson(urls: StandInUrls, repo: StoredRepo, number: number): Json {
  const web = `${urls.web}/${repo.owner}/${repo.name}/pull/${String(number)}`;
  return {
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${String(number)}`,
    html_url: web,
    diff_url: `${web}.diff`,
    patch_url: `${web}.patch`,
    merged_at: null,
  };
}

export function commentJson(urls: StandInUrls, repo: StoredRepo, comment: StoredComment, user: Json): Json {
  const repoApi = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    id: comment.id,
    node_id: `IC_${String(comment.id)}`,
    url: `${repoApi}/issues/comments/${String(comment.id)}`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/issues/${String(comment.issueNumber)}#issuecomment-${String(comment.id)}`,
    issue_url: `${repoApi}/issues/${String(comment.issueNumber)}`,
    body: comment.body,
    user,
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    author_association: 'OWNER',
  };
}

/** `head.sha` and `base.sha` are stand-ins too: the store does not know commits. */
export function pullJson(urls: StandInUrls, repo: StoredRepo, pull: StoredPull, parts: PullParts): Json {
  const repoApi = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const number = String(pull.number);
  const ref = (name: string) => ({
    label: `${repo.owner}:${name}`,
    ref: name,
    sha: fakeSha(`${repo.owner}/${repo.name}:${name}`),
    user: parts.owner,
    repo: parts.repo,
  });
  return {
    id: pull.id,
    node_id: `PR_${String(pull.id)}`,
    url: `${repoApi}/pulls/${number}`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/pull/${number}`,
    diff_url: `${urls.web}/${repo.owner}/${repo.name}/pull/${number}.diff`,
    issue_url: `${repoApi}/issues/${number}`,
    comments_url: `${repoApi}/issues/${number}/comments`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    user: parts.user,
    draft: pull.draft,
    head: ref(pull.head),
    base: ref(pull.base),
    labels: [],
    created_at: pull.createdAt,
    updated_at: pull.createdAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    author_association: 'OWNER',
  };
}

export interface PullParts {
  user: Json;
  owner: Json;
  repo: Json;
}

function fakeSha(seed: string): string {
  let hash = 2166136261;
  for (const char of seed) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(5);
}
