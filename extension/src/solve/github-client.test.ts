import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubStandIn } from '../testing/github-stand-in.js';
import { GitHubApiError, GitHubClient } from './github-client.js';

const WRITER = 'ghp_writer0000000000000000000000000000';
const READER = 'github_pat_reader000000000000000000000';
/** A draft pull request from `handoff/issue-1-crash` into `trunk` of acme/widgets. */
const DRAFT = {
  owner: 'acme',
  repo: 'widgets',
  head: 'handoff/issue-1-crash',
  base: 'trunk',
  title: 'T',
  body: 'B',
};
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

async function failure(promise: Promise<unknown>): Promise<GitHubApiError> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(GitHubApiError);
      return error as GitHubApiError;
    },
  );
}

describe('GitHubClient against the GitHub stand-in', () => {
  let github: GitHubStandIn;
  const client = (auth: string) => new GitHubClient({ auth, baseUrl: github.url, log: quiet });

  beforeEach(async () => {
    github = await GitHubStandIn.start({ gitUrl: 'http://127.0.0.1:9/git' });
    github.addToken({ token: WRITER, login: 'alice' });
    github.addToken({ token: READER, login: 'bob', push: false, comment: false });
    github.addRepo({
      owner: 'acme',
      name: 'widgets',
      defaultBranch: 'trunk',
      branches: ['handoff/issue-1-crash'],
    });
  });
  afterEach(async () => {
    await github.stop();
  });

  it("names the token's user and describes a repository with its push permission", async () => {
    const me = await client(WRITER).me();
    expect(me.login).toBe('alice');
    expect(me.id).toBeGreaterThan(0);
    expect(await client(WRITER).repo('acme', 'widgets')).toEqual({
      owner: 'acme',
      repo: 'widgets',
      defaultBranch: 'trunk',
      canPush: true,
      private: false,
      htmlUrl: 'https://github.com/acme/widgets',
      cloneUrl: 'http://127.0.0.1:9/git/acme/widgets.git',
    });
    expect((await client(READER).repo('acme', 'widgets')).canPush).toBe(false);
  });

  it('lists every open issue across pages, without pull requests or closed issues', async () => {
    for (let n = 1; n <= 105; n++)
      github.addIssue('acme/widgets', { title: `Bug ${String(n)}`, labels: ['bug'] });
    github.addIssue('acme/widgets', { title: 'Old', state: 'closed' });
    const gh = client(WRITER);
    await gh.createDraftPullRequest(DRAFT);

    const issues = await gh.openIssues('acme', 'widgets');

    expect(issues).toHaveLength(105);
    expect(issues[0]).toEqual({
      number: 105,
      title: 'Bug 105',
      htmlUrl: 'https://github.com/acme/widgets/issues/105',
      user: 'octocat',
      labels: ['bug'],
    });
    expect(issues.some((i) => i.title === 'T' || i.title === 'Old')).toBe(false);
    expect(github.requests.filter((r) => r.path.endsWith('/issues')).map((r) => r.query.page)).toEqual([
      undefined,
      '2',
    ]);
  });

  it('reads an issue with its comments', async () => {
    github.addIssue('acme/widgets', { number: 7, title: 'Crash', body: 'It crashes.', user: 'dave' });
    github.addComment('acme/widgets', 7, { body: 'Same here.', user: 'carol' });

    const issue = await client(WRITER).issue('acme', 'widgets', 7);

    expect(issue).toMatchObject({
      number: 7,
      title: 'Crash',
      body: 'It crashes.',
      state: 'open',
      user: 'dave',
    });
    expect(issue.comments).toEqual([
      { user: 'carol', body: 'Same here.', createdAt: expect.any(String) as string },
    ]);
  });

  it('opens a draft pull request, finds it by branch, and comments', async () => {
    github.addIssue('acme/widgets', { title: 'Crash' });
    const gh = client(WRITER);
    const input = { ...DRAFT, title: 'Fix', body: 'Fixes #1' };

    expect(await gh.findOpenPullRequest('acme', 'widgets', 'handoff/issue-1-crash')).toBeUndefined();
    const pull = await gh.createDraftPullRequest(input);
    const found = await gh.findOpenPullRequest('acme', 'widgets', 'handoff/issue-1-crash');
    const comment = await gh.comment('acme', 'widgets', 1, `Draft: ${pull.htmlUrl}`);

    expect(pull).toEqual({
      number: 2,
      htmlUrl: 'https://github.com/acme/widgets/pull/2',
      draft: true,
      head: 'handoff/issue-1-crash',
      base: 'trunk',
    });
    expect(found).toEqual(pull);
    expect(comment.htmlUrl).toMatch(/issues\/1#issuecomment-/);
    expect(github.comments('acme/widgets', 1).map((c) => c.body)).toEqual([
      'Draft: https://github.com/acme/widgets/pull/2',
    ]);
  });

  it('turns 401 into a sign-in sentence that never contains the token', async () => {
    const token = 'ghp_unknown1234567890abcdef';
    const error = await failure(client(token).me());

    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, code: 'unauthorized' });
    expect(error.message).toMatch(/^GitHub refused the token: sign in again \(Handoff: Sign in to GitHub\)/);
    const seen = [
      error.message,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(error.toErrorBody()),
    ].join('\n');
    expect(seen).not.toContain(token);
  });

  it('turns 403 into a missing-permission sentence naming the repository', async () => {
    github.addIssue('acme/widgets', { title: 'Crash' });
    const reader = client(READER);
    const input = DRAFT;

    const pull = await failure(reader.createDraftPullRequest(input));
    const comment = await failure(reader.comment('acme', 'widgets', 1, 'Hi'));

    expect(pull).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(pull.message).toContain('no permission to open pull requests in acme/widgets');
    expect(comment.message).toContain('no permission to comment on acme/widgets#1');
    expect(comment.message).toContain('write access to acme/widgets,');
  });

  it('turns 404 into "owner/repo#n was not found"', async () => {
    const issue = await failure(client(WRITER).issue('acme', 'widgets', 99));
    const repo = await failure(client(WRITER).repo('acme', 'nope'));

    expect(issue).toMatchObject({
      kind: 'not_found',
      status: 404,
      requestId: expect.stringMatching(/^C0DE:/) as string,
    });
    expect(issue.message).toBe('acme/widgets#99 was not found (or the token cannot see it).');
    expect(repo.message).toBe('acme/nope was not found (or the token cannot see it).');
  });

  it("turns 422 into GitHub's validation message", async () => {
    const gh = client(WRITER);
    const input = DRAFT;
    await gh.createDraftPullRequest(input);

    const duplicate = await failure(gh.createDraftPullRequest(input));
    const noBranch = await failure(gh.createDraftPullRequest({ ...input, head: 'never-pushed' }));

    expect(duplicate).toMatchObject({ kind: 'validation', status: 422, code: 'invalid_request' });
    expect(duplicate.message).toBe(
      'GitHub could not open the pull request: A pull request already exists for acme:handoff/issue-1-crash.',
    );
    expect(noBranch.message).toBe('GitHub could not open the pull request: head is invalid.');
  });

  it('reports an unreachable GitHub as a failure to connect', async () => {
    await github.stop();
    const error = await failure(client(WRITER).me());
    github = await GitHubStandIn.start();

    expect(error.kind).toBe('failed');
    expect(error.message).toMatch(/^(Could not reach GitHub|GitHub could not) .*look up your account/);
    expect(error.message).not.toContain(WRITER);
  });
});

describe('GitHubClient.noreplyEmail', () => {
  it("is GitHub's private commit address, on the Enterprise host when there is one", () => {
    const user = { id: 42, login: 'alice' };
    expect(new GitHubClient({ auth: 't' }).noreplyEmail(user)).toBe('42+alice@users.noreply.github.com');
    expect(new GitHubClient({ auth: 't', baseUrl: 'https://api.github.com' }).noreplyEmail(user)).toBe(
      '42+alice@users.noreply.github.com',
    );
    expect(new GitHubClient({ auth: 't', baseUrl: 'https://ghe.example/api/v3' }).noreplyEmail(user)).toBe(
      '42+alice@users.noreply.ghe.example',
    );
  });
});
