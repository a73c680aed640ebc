/**
 * `handoff solve` end to end: the real CLI bundle, runtime-api (process provider), the real action
 * and agent servers, real git over smart HTTP with token auth, the GitHub REST stand-in and a
 * scripted model. From an issue to a draft pull request, and every way it can fail without
 * losing the agent's work.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConversationListSchema, EventsPageSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedLlmServer } from '../../../agent-server/src/testing/scripted-llm-server';
import { runGit } from '../../../extension/src/testing/git-http-server';
import { REPO_ROOT } from '../services';
import {
  TOKENS,
  fixingScript,
  readBranchFile,
  runSolveCli,
  runningSandboxes,
  scriptedModel,
  startSolveWorld,
  type SolveWorld,
} from './solve-harness';

const BRANCH = 'handoff/issue-1-sum-ignores-the-last-number-in-the-array';

/** Every file under `dir`, as text (none when it is gone). */
function everyFile(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? everyFile(full) : [readFileSync(full, 'latin1')];
  });
}

describe('handoff solve', () => {
  let world: SolveWorld;
  const models: ScriptedLlmServer[] = [];
  const model = async (turns: Parameters<typeof scriptedModel>[0]) => {
    const llm = await scriptedModel(turns);
    models.push(llm);
    return llm;
  };

  beforeAll(async () => {
    world = await startSolveWorld();
  });

  afterAll(async () => {
    await Promise.all(models.map((llm) => llm.close()));
    await world.close();
  });

  it('fixes the issue and opens a draft pull request that links it, with the token nowhere', async () => {
    const script = fixingScript(world.fixture);
    // The model takes a moment over its finish: meanwhile the test reads the sandbox as the agent left it.
    script[script.length - 1] = { ...script.at(-1)!, delayMs: 2000 };
    const llm = await model(script);
    let probe: Promise<string> | undefined;
    const run = await runSolveCli({
      world,
      llm,
      args: ['solve', 'acme/sum-lib#1'],
      onStart: () => {
        probe = readSandboxWhenFinishing(world, llm);
      },
    });
    // Every event of the conversation, the workspace's .git and the agent server's state files.
    const sandboxContents = await probe!;
    expect(sandboxContents).toContain('"type":"observation"');
    expect(sandboxContents).toContain(`url = ${world.fixture.cloneUrl}`);
    expect(sandboxContents).not.toContain(TOKENS.alice);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const result = run.result!;
    expect(result).toMatchObject({ status: 'opened', branch: BRANCH, pullRequest: { number: 2, draft: true } });
    expect(result['files']).toEqual([{ path: 'src/sum.js', status: 'modified' }]);
    const steps = run.lines.filter((l) => l['type'] === 'progress').map((l) => l['step']);
    expect([...new Set(steps)]).toEqual(['github', 'sandbox', 'clone', 'agent', 'push', 'pull_request']);

    // The branch holds the fix, committed as the token's user.
    const pushed = await readBranchFile(world, BRANCH, 'src/sum.js');
    expect(pushed.content).toContain(world.fixture.fix.newStr);
    expect(pushed.author).toMatch(/^alice <\d+\+alice@users\.noreply\.127\.0\.0\.1>$/); // the API host, as on GitHub Enterprise
    expect((await world.git.refs('acme', 'sum-lib'))['refs/heads/main']).toBe(world.fixture.headSha);

    // The draft pull request and the issue comment.
    const [pull] = world.github.pulls('acme/sum-lib');
    expect(pull).toMatchObject({ draft: true, head: BRANCH, base: 'main', user: 'alice' });
    expect(pull!.title).toBe('Fix #1: sum() ignores the last number in the array');
    expect(pull!.body).toContain('Fixes #1');
    expect(pull!.body).toContain('stopped one element early');
    expect(pull!.body).toContain('- `src/sum.js`');
    expect(pull!.body).toMatch(/- `node --test`: exit 0/);
    expect(pull!.body).toMatch(/\$\d+\.\d\d of model usage/);
    const comments = world.github.comments('acme/sum-lib', 1);
    expect(comments.at(-1)).toMatchObject({ user: 'alice' });
    expect(comments.at(-1)!.body).toContain(String(result['pullRequest'] && (result['pullRequest'] as { htmlUrl: string }).htmlUrl));

    // The task the model got: the issue as untrusted content, its comment, AGENTS.md.
    const prompt = JSON.stringify(llm.requests[0]!.body);
    expect(prompt).toContain('sum() ignores the last number in the array');
    expect(prompt).toContain('sum([5, 5]) is 5');
    expect(prompt).toContain('AGENTS.md');
    // The agent saw a clean remote URL (git remote -v and .git/config) ...
    const seen = JSON.stringify(llm.requests.map((r) => r.body));
    expect(seen).toContain(`origin\\t${world.fixture.cloneUrl} (fetch)`);
    // ... and the token appears in no prompt, output, log, pushed object or leftover file.
    const pushedRepo = everyFile(world.git.repoPath('acme', 'sum-lib')).join('\n');
    for (const place of [seen, run.stdout, run.stderr, world.runtime.log(), pushedRepo, pull!.body ?? ''])
      expect(place).not.toContain(TOKENS.alice);
    // Git sent the token as a Basic credential (after the anonymous probe GitHub answers 401), as x-access-token.
    const withCredentials = world.git.requests.filter((r) => r.credentialsSent);
    expect(withCredentials.length).toBeGreaterThan(0);
    expect(new Set(withCredentials.map((r) => r.username))).toEqual(new Set(['x-access-token']));
    expect(await runningSandboxes(world)).toEqual([]);
  });

  it('is the repository\'s "handoff" command after npm ci (npm links the workspace\'s bin)', () => {
    const help = spawnSync('npx', ['--no-install', 'handoff', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: handoff solve <owner\/repo#123/);
  });

  it('says what is wrong with an issue that is not a GitHub one, or does not exist', async () => {
    const llm = await model([]);
    const notGitHub = await runSolveCli({ world, llm, args: ['solve', 'https://gitlab.com/acme/sum-lib/-/issues/1'] });
    expect(notGitHub.exitCode).toBe(2);
    expect(notGitHub.stderr).toMatch(/not a GitHub repository: .*Use owner\/repo#123/);

    const noIssue = await runSolveCli({ world, llm, args: ['solve', 'acme/sum-lib#999'] });
    expect(noIssue.exitCode).toBe(1);
    expect(noIssue.result).toMatchObject({ status: 'failed', kind: 'not_found', step: 'github' });
    expect(noIssue.result!['message']).toMatch(/acme\/sum-lib#999 was not found/);

    const noRepo = await runSolveCli({ world, llm, args: ['solve', 'acme/nope#1'] });
    expect(noRepo.exitCode).toBe(1);
    expect(noRepo.result).toMatchObject({ kind: 'not_found' });

    const noToken = await runSolveCli({ world, llm, args: ['solve', 'acme/sum-lib#1'], token: '' });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toMatch(/No GitHub token: set GITHUB_TOKEN/);
    // None of them got as far as a sandbox or the model.
    expect(llm.requests).toHaveLength(0);
    expect(await runningSandboxes(world)).toEqual([]);
  });

  it('refuses early when the account cannot push, before any model money is spent', async () => {
    const llm = await model(fixingScript(world.fixture));
    const run = await runSolveCli({ world, llm, args: ['solve', 'acme/sum-lib#1'], token: TOKENS.carol });
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ kind: 'forbidden', step: 'github' });
    expect(run.result!['message']).toMatch(/carol\) cannot push to acme\/sum-lib.*Ask for write access/);
    expect(llm.requests).toHaveLength(0);
  });

  it('keeps the work as a patch when GitHub refuses the push (403)', async () => {
    const before = world.github.pulls('acme/sum-lib').length;
    const llm = await model(fixingScript(world.fixture));
    const run = await runSolveCli({ world, llm, args: ['solve', 'acme/sum-lib#1'], token: TOKENS.bob });

    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ status: 'failed', kind: 'forbidden', step: 'push' });
    expect(run.result!['message']).toMatch(/GitHub refused the push to acme\/sum-lib/);
    expect(run.result!['message']).toMatch(/changes \(1 file\(s\)\) are kept/);
    expect(world.github.pulls('acme/sum-lib')).toHaveLength(before);
    // The patch applies to the base commit and carries the fix.
    const patchFile = String(run.result!['patchFile']);
    expect(patchFile).toBe(path.join(world.workDir, 'handoff-acme-sum-lib-issue-1.patch'));
    const check = await checkPatchApplies(world, patchFile);
    expect(check).toContain(world.fixture.fix.newStr);
    for (const place of [run.stdout, run.stderr, readFileSync(patchFile, 'utf8')]) expect(place).not.toContain(TOKENS.bob);
    expect(await runningSandboxes(world)).toEqual([]);
  });

  it('pushes the kept work later, once GitHub lets the token push, without running the agent again', async () => {
    const failed = await runSolveCli({
      world,
      llm: await model(fixingScript(world.fixture)),
      args: ['solve', 'acme/sum-lib#1', '--keep-sandbox', '--patch-dir', 'kept'],
      token: TOKENS.bob,
    });
    expect(failed.result).toMatchObject({ status: 'failed', kind: 'forbidden', step: 'push', sandboxKept: true });
    const sandboxId = String(failed.result!['sandboxId']);
    expect((await runningSandboxes(world)).map((s) => s.id)).toEqual([sandboxId]);

    world.grants[TOKENS.bob] = { push: true }; // bob is given write access
    const idle = await model([]);
    const run = await runSolveCli({ world, llm: idle, args: ['solve', 'acme/sum-lib#1', '--resume', sandboxId], token: TOKENS.bob });

    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ status: 'opened', sandboxId, agentSteps: 4 });
    expect(idle.requests).toHaveLength(0);
    const branch = String(run.result!['branch']);
    expect((await readBranchFile(world, branch, 'src/sum.js')).content).toContain(world.fixture.fix.newStr);
    const pull = world.github.pulls('acme/sum-lib').find((p) => p.head === branch);
    expect(pull).toMatchObject({ draft: true, user: 'bob' });
    expect(pull!.body).toMatch(/- `node --test`: exit 0/);
    expect(await runningSandboxes(world)).toEqual([]);

    const gone = await runSolveCli({ world, llm: idle, args: ['solve', 'acme/sum-lib#1', '--resume', sandboxId], token: TOKENS.bob });
    expect(gone.exitCode).toBe(1);
    expect(gone.result!['message']).toMatch(/is gone, so its work cannot be pushed from there/);
  });

  it('pushes to the next free branch name when the branch already exists, overwriting nothing', async () => {
    const taken = await world.git.refs('acme', 'sum-lib');
    const existing = taken[`refs/heads/${BRANCH}`];
    expect(existing).toBeDefined(); // from the first test
    const llm = await model(fixingScript(world.fixture));
    const run = await runSolveCli({ world, llm, args: ['solve', 'acme/sum-lib#1'] });

    expect(run.exitCode).toBe(0);
    const pushedTo = String(run.result!['branch']);
    expect(pushedTo).toMatch(new RegExp(`^${BRANCH}-\\d$`));
    expect(run.result).toMatchObject({ status: 'opened' });
    expect(run.result!['notices']).toEqual([
      `Branch ${BRANCH} already exists on GitHub, so the changes were pushed to ${pushedTo}.`,
    ]);
    const after = await world.git.refs('acme', 'sum-lib');
    expect(after[`refs/heads/${BRANCH}`]).toBe(existing);
    const second = world.github.pulls('acme/sum-lib').find((p) => p.head === pushedTo);
    expect(second).toMatchObject({ draft: true, base: 'main' });
  });

  it('opens no pull request when the agent changes nothing, and says what it said', async () => {
    const llm = await model([
      { toolCalls: [{ name: 'finish', arguments: { message: 'I could not reproduce the bug.' } }] },
    ]);
    const run = await runSolveCli({ world, llm, args: ['solve', 'acme/sum-lib#1'] });
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ kind: 'no_changes', step: 'agent' });
    expect(run.result!['message']).toMatch(/without changing any file.*I could not reproduce the bug/);
    expect(run.result!['patchFile']).toBeUndefined();
  });

  it('cancels on Ctrl-C while the agent works: no pull request, the work saved, the sandbox stopped', async () => {
    const before = world.github.pulls('acme/sum-lib').length;
    const script = fixingScript(world.fixture);
    // The model "thinks" for a long time after the edit; Ctrl-C arrives meanwhile.
    script[2] = { ...script[2]!, delayMs: 60_000 };
    const llm = await model(script);
    const run = await runSolveCli({
      world,
      llm,
      args: ['solve', 'acme/sum-lib#1', '--patch-dir', 'saved'],
      onStart: (child) => {
        const timer = setInterval(() => {
          if (llm.requests.length >= 3) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
        child.once('close', () => { clearInterval(timer); });
      },
    });
    expect(run.exitCode).toBe(130);
    expect(run.result).toMatchObject({ status: 'failed', kind: 'cancelled' });
    expect(run.result!['patchFile']).toBe(path.join(world.workDir, 'saved', 'handoff-acme-sum-lib-issue-1.patch'));
    expect(world.github.pulls('acme/sum-lib')).toHaveLength(before);
    expect(await runningSandboxes(world)).toEqual([]);
  });
});

/**
 * Waits for the model's last request (the agent is about to finish), then reads the one sandbox's
 * conversation events over HTTP and every file of its workspace's `.git` and of its state folder.
 */
async function readSandboxWhenFinishing(world: SolveWorld, llm: ScriptedLlmServer): Promise<string> {
  while (llm.requests.length < 4) await new Promise((resolve) => setTimeout(resolve, 20));
  const [sandbox] = (await runningSandboxes(world)).filter((s) => s.labels['solve'] === 'acme/sum-lib#1');
  if (sandbox === undefined) throw new Error('no sandbox labelled solve=acme/sum-lib#1');
  const headers = { [SESSION_API_KEY_HEADER]: sandbox.sessionApiKey };
  const list = ConversationListSchema.parse(
    await (await fetch(`${sandbox.agentServerUrl}/api/conversations`, { headers })).json(),
  );
  const pages = await Promise.all(
    list.items.map(async (c) =>
      EventsPageSchema.parse(
        await (await fetch(`${sandbox.agentServerUrl}/api/conversations/${c.id}/events?limit=1000`, { headers })).json(),
      ),
    ),
  );
  const folder = path.join(world.runtime.sandboxRoot!, sandbox.id);
  return [
    JSON.stringify(pages),
    ...everyFile(path.join(folder, 'workspace', '.git')),
    ...everyFile(path.join(folder, 'state')),
  ].join('\n');
}

/** Applies the patch to a fresh clone of the base commit; returns the patched file. */
async function checkPatchApplies(world: SolveWorld, patchFile: string): Promise<string> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'handoff-solve-apply-'));
  try {
    const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${TOKENS.alice}`).toString('base64')}`;
    const url = world.git.cloneUrl(world.fixture.owner, world.fixture.repo);
    const clone = await runGit(['-c', `http.extraHeader=${auth}`, 'clone', '--quiet', url, dir]);
    expect(clone.exitCode).toBe(0);
    await runGit(['checkout', '--quiet', world.fixture.headSha], { cwd: dir });
    const apply = await runGit(['apply', patchFile], { cwd: dir });
    expect(apply.stderr).toBe('');
    expect(apply.exitCode).toBe(0);
    return readFileSync(path.join(dir, world.fixture.fix.path), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
