/**
 * "Handoff: Solve Issue" in real VS Code: sign in to GitHub (a test-only provider, since
 * code-server ships none), pick the issue of the workspace's repository, follow the progress, get
 * the "Draft PR opened" notification, see the solve in the Solves view and check its branch out.
 * Behind it: runtime-api with real sandboxes, the real git server with the fixture repository, the
 * GitHub REST stand-in and a scripted model that fixes the bug and runs the tests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { ScriptedLlmTurn } from '../../../agent-server/src/testing/scripted-llm-server';
import { createFixtureRepo, type FixtureRepo } from '../../../extension/src/testing/fixture-repo';
import { GitHttpServer, runGit } from '../../../extension/src/testing/git-http-server';
import { GitHubStandIn } from '../../../extension/src/testing/github-stand-in';
import { GITHUB_LOGIN_VARIABLE, GITHUB_TOKEN_VARIABLE, writeGitHubAuthStandIn } from './github-auth-stand-in';
import { fixingScript } from '../solve/solve-harness';
import { startAgentVsCode, type AgentVsCodeSession } from './session';

const TOKEN = 'ghp_vscodeSolveToken0123456789abcdefABCD';
const BRANCH = 'handoff/issue-1-sum-ignores-the-last-number-in-the-array';

const README_LINE = '`sum(numbers)` adds up an array of numbers.';
const README_EXAMPLE = 'Example: `sum([1, 2, 3])` is `6`.';

/**
 * The model's turns for both solves. Issue #1: view the file, replace the loop bound, run the
 * tests, finish with a summary. Issue #2: document an example, then think for a long while (the
 * test cancels it then).
 */
function script(fixture: FixtureRepo): ScriptedLlmTurn[] {
  return [
    ...fixingScript(fixture, [], 'npm test'),
    {
      text: 'Adding an example to the README.',
      toolCalls: [
        {
          name: 'str_replace_editor',
          arguments: {
            command: 'str_replace',
            path: 'README.md',
            old_str: README_LINE,
            new_str: `${README_LINE}\n\n${README_EXAMPLE}`,
            security_risk: 'LOW',
          },
        },
      ],
    },
    { delayMs: 120_000, toolCalls: [{ name: 'finish', arguments: { message: 'Documented an example.' } }] },
    // Issue #1 again, for the push GitHub refuses.
    ...fixingScript(fixture, [], 'npm test'),
  ];
}

async function git(args: string[], cwd: string): Promise<string> {
  const result = await runGit(args, { cwd });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

describe('Solve Issue in real VS Code: from the issue picker to a draft pull request and its branch checked out', () => {
  let root: string;
  let gitServer: GitHttpServer;
  let github: GitHubStandIn;
  let fixture: FixtureRepo;
  let session: AgentVsCodeSession | undefined;
  /** What the token may do on the git server, read at every request. */
  const grants = { [TOKEN]: { push: true } };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'handoff-solve-vscode-'));
    gitServer = await GitHttpServer.start({
      root: path.join(root, 'repos'),
      tokens: grants,
    });
    fixture = await createFixtureRepo(gitServer);
    github = await GitHubStandIn.start({
      gitUrl: gitServer.url,
      branchExists: async (owner, repo, ref) => `refs/heads/${ref}` in (await gitServer.refs(owner, repo)),
    });
    github.addToken({ token: TOKEN, login: 'alice', scopes: ['repo'] });
    github.addRepo({ owner: fixture.owner, name: fixture.repo });
    github.addIssue('acme/sum-lib', {
      title: fixture.issue.title,
      body: fixture.issue.body,
      user: 'dave',
      labels: ['bug'],
    });
    github.addIssue('acme/sum-lib', {
      title: 'Document sum() in the README',
      user: 'erin',
      labels: ['docs'],
    });
    // The workspace is the user's clone: its origin is the git server, as a clone from GitHub points at GitHub.
    const clone = path.join(root, 'clone');
    await git(['clone', '--quiet', gitServer.repoPath('acme', 'sum-lib'), clone], root);
    await git(['remote', 'set-url', 'origin', fixture.cloneUrl], clone);
    session = await startAgentVsCode('solve-issue', {
      script: script(fixture),
      workspaceFrom: clone,
      extraExtensions: [writeGitHubAuthStandIn(root)],
      env: { [GITHUB_TOKEN_VARIABLE]: TOKEN, [GITHUB_LOGIN_VARIABLE]: 'alice' },
      // The stand-in's host (127.0.0.1) is then a GitHub host, so the clone's remote names acme/sum-lib.
      settings: { 'handoff.github.apiUrl': github.url },
    });
  });

  afterAll(async () => {
    await session?.close();
    await github.stop();
    await gitServer.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('signs in, lists the issues, opens a draft PR with the fix, and checks its branch out', async () => {
    const { workbench, server } = session!;
    const page = workbench.page;
    onTestFailed(async () => {
      await workbench.screenshot('failed');
      // Toasts fade: the notification center keeps every message, e.g. why the solve failed.
      await workbench.runCommand('Notifications: Show Notifications', 10_000);
      const messages = await page
        .locator('.notifications-center .notification-list-item-message')
        .allInnerTexts();
      console.error(`Notifications:\n${messages.join('\n')}`);
      await workbench.screenshot('notification-center');
    });
    await workbench.runCommand('Handoff: Solve Issue');

    // VS Code asks before the extension may sign in with GitHub, as it does with the real provider.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(/wants to sign in using GitHub/).waitFor();
    await workbench.screenshot('github-sign-in-asked');
    await dialog.getByRole('button', { name: 'Allow' }).click();

    // The open issues of the workspace's repository, searchable by title, label or author.
    const rows = workbench.quickInput.locator('.monaco-list-row');
    await rows.filter({ hasText: '#1 sum() ignores the last number in the array' }).waitFor();
    await rows.filter({ hasText: '#2 Document sum() in the README' }).waitFor();
    await workbench.screenshot('issue-picker');
    await workbench.quickInput.locator('input.input').fill('bug');
    await expect.poll(() => rows.count()).toBe(1);
    await workbench.screenshot('issue-picker-searched');
    await rows.filter({ hasText: '#1 sum()' }).click();

    await workbench.waitForNotification('solving acme/sum-lib#1', 60_000);
    await workbench.screenshot('solve-progress');

    const done = await workbench.waitForNotification('Draft PR #3 opened for issue #1', 180_000);
    expect(done).toContain('sum() ignores the last number in the array');
    await workbench.screenshot('draft-pr-notification');

    // GitHub has the draft pull request from the handoff branch, and the issue links it.
    const [pull] = github.pulls('acme/sum-lib');
    expect(pull).toMatchObject({ number: 3, draft: true, head: BRANCH, base: 'main', user: 'alice' });
    expect(pull!.body).toContain('Fixes #1');
    expect(pull!.body).toMatch(/- `npm test`: exit 0/);
    const comment = github.comments('acme/sum-lib', 1).at(-1);
    expect(comment).toMatchObject({ user: 'alice' });
    expect(comment!.body).toContain('/pull/3');
    // The git server has the branch with the fix; main is untouched.
    const bare = gitServer.repoPath('acme', 'sum-lib');
    expect(await git(['show', `${BRANCH}:${fixture.fix.path}`], bare)).toContain(fixture.fix.newStr);
    expect(await git(['rev-parse', 'main'], bare)).toBe(fixture.headSha);

    // The Solves view lists it as opened.
    const solve = workbench.viewRows('Solves').filter({ hasText: '#1 sum() ignores' });
    await solve.filter({ hasText: 'draft PR #3' }).waitFor();
    await workbench.screenshot('solves-view-opened');

    // Check Out Branch from its row: the local clone switches to the branch, fetched with the sign-in's token.
    await solve.hover();
    await solve.locator('.action-label[aria-label="Check Out Branch"]').click();
    await workbench.waitForNotification(`checked out ${BRANCH}`, 60_000);
    await workbench.screenshot('branch-checked-out');
    expect(await git(['symbolic-ref', '--short', 'HEAD'], server.workspace)).toBe(BRANCH);
    expect(await git(['rev-parse', '--abbrev-ref', '@{upstream}'], server.workspace)).toBe(
      `origin/${BRANCH}`,
    );
    expect(readFileSync(path.join(server.workspace, fixture.fix.path), 'utf8')).toContain(fixture.fix.newStr);
    // The token went to git only through the credential helper: not into the clone's config.
    expect(readFileSync(path.join(server.workspace, '.git', 'config'), 'utf8')).not.toContain(TOKEN);
    expect(server.log()).not.toContain(TOKEN);
    expect(await session!.sandboxes()).toEqual([]);
  });

  it('cancels a solve from the Solves view and applies the changes it kept to the workspace', async () => {
    const { workbench, server, llm } = session!;
    const before = llm.requests.length;
    await workbench.runCommand('Handoff: Solve Issue');
    // Signed in already: no question this time. A pasted owner/repo#n picks the listed issue.
    const rows = workbench.quickInput.locator('.monaco-list-row');
    await rows.filter({ hasText: '#2 Document sum() in the README' }).waitFor();
    await workbench.quickInput.locator('input.input').fill('acme/sum-lib#2');
    await expect
      .poll(() => rows.allInnerTexts())
      .toEqual([expect.stringContaining('#2 Document sum() in the README')]);
    await workbench.page.keyboard.press('Enter');

    // The agent has edited the README and waits for the model: cancel it from its row.
    await expect.poll(() => llm.requests.length, { timeout: 120_000 }).toBe(before + 2);
    const solve = workbench.viewRows('Solves').filter({ hasText: '#2 Document sum()' });
    await solve.filter({ hasText: 'agent' }).waitFor();
    await workbench.screenshot('second-solve-running');
    await solve.hover();
    await solve.locator('.action-label[aria-label="Cancel Solve"]').click();

    const cancelled = await workbench.waitForNotification('solving acme/sum-lib#2 was cancelled', 120_000);
    expect(cancelled).toContain('changes are kept');
    await solve.filter({ hasText: 'cancelled · changes kept' }).waitFor();
    await workbench.screenshot('solve-cancelled');
    expect(github.pulls('acme/sum-lib')).toHaveLength(1);

    const toast = workbench.page.locator('.notifications-toasts .notification-list-item', {
      hasText: 'was cancelled',
    });
    await toast.getByRole('button', { name: 'Apply Changes Locally' }).click();
    await workbench.waitForNotification('applied the changes of acme/sum-lib#2', 60_000);
    await workbench.screenshot('changes-applied-locally');
    const readme = readFileSync(path.join(server.workspace, 'README.md'), 'utf8');
    expect(readme).toContain(README_EXAMPLE);
    expect(await git(['status', '--porcelain'], server.workspace)).toBe('M  README.md');

    // Its sandbox was kept: its conversation opens in the Handoff chat, from the task on.
    await solve.hover();
    await solve.locator('.action-label[aria-label="Open Conversation"]').click();
    const chat = await workbench.chatFrame('event-list');
    await chat
      .getByTestId('event-message')
      .filter({ hasText: 'Solve GitHub issue acme/sum-lib#2' })
      .first()
      .waitFor();
    await chat.getByText('Adding an example to the README.').first().waitFor();
    await workbench.screenshot('solve-conversation-in-chat');
  });

  it('pushes the kept work again once GitHub lets the token push, from the refusal notification', async () => {
    const { workbench, llm } = session!;
    const before = llm.requests.length;
    grants[TOKEN] = { push: false }; // GitHub refuses alice's push for now
    await workbench.runCommand('Handoff: Solve Issue');
    const rows = workbench.quickInput.locator('.monaco-list-row');
    await rows.filter({ hasText: '#1 sum() ignores' }).waitFor();
    await rows.filter({ hasText: '#1 sum() ignores' }).click();

    const refused = await workbench.waitForNotification('no pull request for acme/sum-lib#1', 180_000);
    expect(refused).toContain('GitHub refused the push to acme/sum-lib');
    await workbench.screenshot('push-refused');
    const solve = workbench.viewRows('Solves').filter({ hasText: '#1 sum() ignores' }).filter({ hasText: 'failed' });
    await solve.waitFor();
    const modelCalls = llm.requests.length;
    expect(modelCalls).toBeGreaterThan(before);

    grants[TOKEN] = { push: true }; // write access granted
    const toast = workbench.page.locator('.notifications-toasts .notification-list-item', {
      hasText: 'no pull request for acme/sum-lib#1',
    });
    await toast.getByRole('button', { name: 'Push Again' }).click();
    const done = await workbench.waitForNotification('Draft PR #4 opened for issue #1', 180_000);
    expect(done).toContain('sum() ignores the last number in the array');
    await workbench.screenshot('pushed-again');
    // The agent did not run again; the pull request is from the next free branch name.
    expect(llm.requests.length).toBe(modelCalls);
    expect(github.pulls('acme/sum-lib').find((p) => p.number === 4)).toMatchObject({
      draft: true,
      head: `${BRANCH}-2`,
      user: 'alice',
    });
    expect(await session!.sandboxes()).toHaveLength(1); // the cancelled solve's, kept for its conversation
  });
});
