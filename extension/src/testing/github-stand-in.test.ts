import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubStandInOptions } from './github-stand-in.js';
import { GitHubStandIn } from './github-stand-in.js';

const REPO = { owner: 'acme', repo: 'widgets' };
const WRITER = 'ghp_writer0000000000000000000000000000';
const READER = 'github_pat_reader000000000000000000000';

/** What octokit's `RequestError` (named `HttpError`) carries that callers read. */
interface OctokitError {
  name: string;
  status: number;
  response?: { data: unknown; headers: Record<string, string | undefined> };
}

async function rejection(promise: Promise<unknown>): Promise<OctokitError> {
  return promise.then(
    () => expect.fail('expected the request to fail'),
    (error: unknown) => error as OctokitError,
  );
}

describe('GitHubStandIn through @octokit/rest', () => {
  let github: GitHubStandIn;
  let logs: string[];

  const client = (auth?: string) =>
    new Octokit({
      auth,
      baseUrl: github.url,
      log: {
        debug: () => undefined,
        info: (line: string) => logs.push(line),
        warn: (line: string) => logs.push(`warn: ${line}`),
        error: () => undefined,
      },
    });

  async function start(options: GitHubStandInOptions = {}): Promise<void> {
    github = await GitHubStandIn.start(options);
    github.addToken({ token: WRITER, login: 'alice', scopes: ['repo', 'workflow'] });
    github.addToken({ token: READER, login: 'bob', push: false, comment: false });
    const seed = { defaultBranch: 'trunk', private: true, branches: ['fix'] };
    github.addRepo({ owner: 'acme', name: 'widgets', ...seed });
  }

  beforeEach(async () => {
    logs = [];
    await start({ gitUrl: 'http://127.0.0.1:9/git' });
  });
  afterEach(async () => {
    await github.stop();
    expect(logs.filter((line) => line.startsWith('warn'))).toEqual([]);
  });

  it("names the token's user, with its scopes and a request id, and records no token", async () => {
    const { data, headers } = await client(WRITER).rest.users.getAuthenticated();

    expect(data).toMatchObject({ login: 'alice', type: 'User' });
    expect(headers['x-oauth-scopes']).toBe('repo, workflow');
    expect(logs[0]).toMatch(/^GET \/user - 200 with id C0DE:/);
    expect(github.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/user', login: 'alice' }),
    ]);
    expect(github.requests[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(github.requests)).not.toContain(WRITER);
  });

  it("describes a repository with its default branch, URLs and the caller's push permission", async () => {
    const { data } = await client(WRITER).rest.repos.get(REPO);
    const { data: readOnly } = await client(READER).rest.repos.get(REPO);

    expect(data).toMatchObject({
      full_name: 'acme/widgets',
      default_branch: 'trunk',
      private: true,
      html_url: 'https://github.com/acme/widgets',
      clone_url: 'http://127.0.0.1:9/git/acme/widgets.git',
      permissions: { push: true, pull: true },
    });
    expect(readOnly.permissions?.push).toBe(false);
  });

  it('pages through open issues with link headers and gets one by number', async () => {
    for (let n = 1; n <= 5; n++)
      github.addIssue('acme/widgets', { title: `Bug ${String(n)}`, labels: ['bug'] });
    github.addIssue('acme/widgets', { title: 'Old', state: 'closed' });
    const octokit = client(WRITER);

    const list = { ...REPO, state: 'open', per_page: 2 } as const;
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, list);
    const { data: issue } = await octokit.rest.issues.get({ ...REPO, issue_number: 3 });

    expect(issues.map((i) => i.number)).toEqual([5, 4, 3, 2, 1]);
    expect(issues.every((i) => !('pull_request' in i))).toBe(true);
    const pages = github.requests.filter((r) => r.path.endsWith('/issues')).map((r) => r.query.page);
    expect(pages).toEqual([undefined, '2', '3']);
    expect(issue).toMatchObject({
      number: 3,
      title: 'Bug 3',
      state: 'open',
      body: null,
      html_url: 'https://github.com/acme/widgets/issues/3',
      labels: [expect.objectContaining({ name: 'bug' })],
    });
  });

  it("answers an unknown issue or repository with 404 and GitHub's error body", async () => {
    const octokit = client(WRITER);

    const issue = await rejection(octokit.rest.issues.get({ ...REPO, issue_number: 99 }));
    const repo = await rejection(octokit.rest.repos.get({ owner: 'acme', repo: 'nope' }));
    const hidden = await rejection(client().rest.repos.get(REPO));

    expect(issue).toMatchObject({ name: 'HttpError', status: 404 });
    const docs = 'https://docs.github.com/rest/issues/issues#get-an-issue';
    expect(issue.response?.data).toEqual({ message: 'Not Found', documentation_url: docs, status: '404' });
    expect(issue.response?.headers['x-github-request-id']).toMatch(/^C0DE:/);
    expect(repo.status).toBe(404);
    expect(hidden.status).toBe(404);
  });

  it("lists an issue's comments and posts one (201); a missing or empty body is 422", async () => {
    github.addIssue('acme/widgets', { number: 7, title: 'Crash', body: 'It crashes.' });
    github.addComment('acme/widgets', 7, { body: 'Same here.', user: 'carol' });
    const octokit = client(WRITER);

    const { status, data: posted } = await octokit.rest.issues.createComment({
      ...REPO,
      issue_number: 7,
      body: 'On it.',
    });
    const { data: comments } = await octokit.rest.issues.listComments({ ...REPO, issue_number: 7 });
    const missing = await rejection(octokit.request('POST /repos/acme/widgets/issues/7/comments'));
    const empty = await rejection(octokit.rest.issues.createComment({ ...REPO, issue_number: 7, body: '' }));

    expect(status).toBe(201);
    expect(posted).toMatchObject({ body: 'On it.', user: { login: 'alice' } });
    expect(posted.html_url).toBe(
      `https://github.com/acme/widgets/issues/7#issuecomment-${String(posted.id)}`,
    );
    expect(comments.map((c) => [c.user?.login, c.body])).toEqual([
      ['carol', 'Same here.'],
      ['alice', 'On it.'],
    ]);
    expect(missing.status).toBe(422);
    expect(missing.response?.data).toMatchObject({ message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
    expect(empty.response?.data).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '422',
    });
    expect(github.comments('acme/widgets', 7)).toHaveLength(2);
  });

  it('opens a draft pull request and finds it by head; /issues then shows it with pull_request', async () => {
    github.addIssue('acme/widgets', { title: 'Crash' });
    const octokit = client(WRITER);

    const { status, data: pull } = await octokit.rest.pulls.create({
      ...REPO,
      title: 'Fix the crash',
      head: 'fix',
      base: 'trunk',
      body: 'Fixes #1',
      draft: true,
    });
    const { data: found } = await octokit.rest.pulls.list({ ...REPO, head: 'acme:fix', state: 'open' });
    const { data: other } = await octokit.rest.pulls.list({ ...REPO, head: 'acme:other' });
    const { data: listed } = await octokit.rest.issues.listForRepo(REPO);

    expect(status).toBe(201);
    expect(pull).toMatchObject({
      number: 2,
      draft: true,
      state: 'open',
      title: 'Fix the crash',
      body: 'Fixes #1',
      html_url: 'https://github.com/acme/widgets/pull/2',
      head: { ref: 'fix', label: 'acme:fix' },
      base: { ref: 'trunk' },
      user: { login: 'alice' },
    });
    expect(found.map((p) => p.number)).toEqual([2]);
    expect(other).toEqual([]);
    expect(listed.map((i) => [i.number, i.pull_request?.html_url])).toEqual([
      [2, 'https://github.com/acme/widgets/pull/2'],
      [1, undefined],
    ]);
    expect(github.pulls('acme/widgets')).toEqual([expect.objectContaining({ head: 'fix', draft: true })]);
  });

  it('refuses a second pull request for a branch, a missing head or base, and an unsupported draft (422)', async () => {
    const octokit = client(WRITER);
    const create = (head: string, base = 'trunk', repo = 'widgets', draft = false) =>
      octokit.rest.pulls.create({ ...REPO, repo, title: 'T', head, base, draft });
    await create('fix');

    const duplicate = await rejection(create('acme:fix'));
    const noHead = await rejection(create('missing'));
    const noBase = await rejection(create('fix', 'gone'));
    github.addRepo({ owner: 'acme', name: 'free', branches: ['fix'], draftPullRequests: false });
    const noDrafts = await rejection(create('fix', 'main', 'free', true));
    github.addBranch('acme/widgets', 'missing');
    const pushedLater = await create('missing');

    const exists = 'A pull request already exists for acme:fix.';
    expect(duplicate).toMatchObject({ status: 422, response: { data: { message: 'Validation Failed' } } });
    expect(duplicate.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', code: 'custom', message: exists }],
    });
    expect(noHead.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    });
    expect(noBase.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
    });
    expect(pushedLater.status).toBe(201);
    expect(noDrafts.response?.data).toMatchObject({
      errors: [{ code: 'custom', message: 'Draft pull requests are not supported in this repository.' }],
    });
  });

  it('rejects an unknown token (401), and a token without push or comment rights (403)', async () => {
    github.addIssue('acme/widgets', { title: 'Crash' });
    const reader = client(READER);

    const bad = await rejection(client('ghp_unknown').rest.users.getAuthenticated());
    const anonymous = await rejection(client().rest.users.getAuthenticated());
    const pull = await rejection(
      reader.rest.pulls.create({ ...REPO, title: 'T', head: 'fix', base: 'trunk', draft: true }),
    );
    const comment = await rejection(
      reader.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'Hi' }),
    );

    expect(bad).toMatchObject({
      name: 'HttpError',
      status: 401,
      response: { data: { message: 'Bad credentials' } },
    });
    expect(anonymous).toMatchObject({
      status: 401,
      response: { data: { message: 'Requires authentication' } },
    });
    for (const refused of [pull, comment]) {
      expect(refused).toMatchObject({
        status: 403,
        response: { data: { message: 'Resource not accessible by personal access token' } },
      });
    }
    expect(github.pulls('acme/widgets')).toEqual([]);
    expect(github.requests.map((r) => r.status)).toEqual([401, 401, 403, 403]);
  });

  it('asks branchExists about branches, and serves below a GitHub Enterprise prefix', async () => {
    await github.stop();
    const asked: string[] = [];
    await start({
      apiPrefix: '/api/v3',
      webUrl: 'https://ghe.example',
      branchExists: (owner, repo, ref) => {
        asked.push(`${owner}/${repo}:${ref}`);
        return ref !== 'nowhere';
      },
    });
    const octokit = client(WRITER);

    const { data } = await octokit.rest.pulls.create({ ...REPO, title: 'T', head: 'pushed', base: 'trunk' });
    const refused = await rejection(
      octokit.rest.pulls.create({ ...REPO, title: 'T', head: 'nowhere', base: 'trunk' }),
    );

    expect(github.url).toMatch(/\/api\/v3$/);
    expect(data.html_url).toBe('https://ghe.example/acme/widgets/pull/1');
    expect(refused.status).toBe(422);
    expect(asked).toEqual(['acme/widgets:pushed', 'acme/widgets:trunk', 'acme/widgets:nowhere']);
  });
});
