import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Event } from '@handoff/protocol';
import {
  ErrorBodySchema,
  GitChangesResponseSchema,
  GitCloneResponseSchema,
  GitPushResponseSchema,
} from '@handoff/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../agent/secret-masker';
import { gitSync } from '../testing/git-http-backend';
import { READ_TOKEN, WRITE_TOKEN, createGitRig, startGitSandbox } from '../testing/git-rig';
import type { GitRig, GitSandbox } from '../testing/git-rig';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';

const author = { name: 'Ada Lovelace', email: 'ada@example.com' };
let rig: GitRig;
let sandbox: GitSandbox;
let branchCount = 0;

beforeAll(async () => {
  rig = await createGitRig();
}, 120_000);
afterAll(async () => {
  await rig.dispose();
});
/** The LLM clients of the conversations: each runs `cat notes.txt; env`, then finishes. */
let llms: ScriptedLlmClient[];
const bash = (command: string) => ({ name: 'execute_bash', arguments: { command, security_risk: 'LOW' } });
beforeEach(async () => {
  llms = [];
  sandbox = await startGitSandbox(rig, {
    llmClientFactory: () => {
      const llm = new ScriptedLlmClient([
        { toolCalls: [bash('cat notes.txt; env')] },
        { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
      ]);
      llms.push(llm);
      return llm;
    },
  });
});
afterEach(async () => {
  await sandbox.dispose();
});

/** A branch name no other test pushed. */
function freshBranch(): string {
  branchCount += 1;
  return `handoff/issue-${String(branchCount)}-fix-${String(process.pid)}`;
}

async function clone(auth: { token: string } = { token: WRITE_TOKEN }): Promise<Response> {
  return sandbox.call('POST', '/api/git/clone', { url: rig.repoUrl, auth });
}

async function errorOf(response: Response) {
  return ErrorBodySchema.parse(await response.json());
}

const fixTheSum = () =>
  writeFile(path.join(sandbox.workspace, 'src', 'sum.js'), 'export const sum = (a, b) => a + b;\n');

describe('POST /api/git/clone and GET /api/git/changes', () => {
  it('clone with the token through the credential helper, keep the remote URL clean, and report the changes', async () => {
    const response = await clone();
    expect(response.status).toBe(200);
    expect(GitCloneResponseSchema.parse(await response.json())).toMatchObject({ branch: 'main', files: 2 });
    expect(gitSync(sandbox.workspace, ['config', 'remote.origin.url']).trim()).toBe(rig.repoUrl);
    expect(await readFile(path.join(sandbox.workspace, '.git', 'config'), 'utf8')).not.toContain(WRITE_TOKEN);
    expect(rig.backend.requests.some((request) => request.authorized)).toBe(true);
    await fixTheSum();
    const changes = await sandbox.call('GET', '/api/git/changes');
    expect(changes.status).toBe(200);
    const body = GitChangesResponseSchema.parse(await changes.json());
    expect(body.files).toEqual([{ path: 'src/sum.js', status: 'modified' }]);
    expect(body.patch).toContain('+export const sum = (a, b) => a + b;');
  });

  it('answer a protected repository without a token with 403 git_permission_denied', async () => {
    const response = await sandbox.call('POST', '/api/git/clone', { url: rig.repoUrl });
    expect(response.status).toBe(403);
    const body = await errorOf(response);
    expect(body.code).toBe('git_permission_denied');
    expect(body.message).toContain('token');
  });

  it('answer a repository that does not exist with 404 git_remote_not_found', async () => {
    const response = await sandbox.call('POST', '/api/git/clone', {
      url: rig.backend.repoUrl('acme-nope'),
      auth: { token: WRITE_TOKEN },
    });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('git_remote_not_found');
  });

  it("keep the action server's 409 when the workspace is not empty", async () => {
    await writeFile(path.join(sandbox.workspace, 'mine.txt'), 'x\n');
    const response = await clone();
    expect(response.status).toBe(409);
    const body = await errorOf(response);
    expect(body.code).toBe('workspace_conflict');
    expect(body.message).toContain('"mine.txt"');
  });

  it('refuse a URL with credentials in it (400), and changes before a clone (409)', async () => {
    const bad = await sandbox.call('POST', '/api/git/clone', {
      url: `http://x:${WRITE_TOKEN}@127.0.0.1/a.git`,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).not.toContain(WRITE_TOKEN);
    const changes = await sandbox.call('GET', '/api/git/changes');
    expect(changes.status).toBe(409);
    expect((await errorOf(changes)).code).toBe('workspace_conflict');
  });
});

describe('POST /api/git/push', () => {
  it("pushes the branch to the remembered URL from the agent server, never running the workspace's hooks or using its remote", async () => {
    expect((await clone()).status).toBe(200);
    await fixTheSum();
    const marker = path.join(sandbox.workspace, '..', 'hook-ran');
    const hook = path.join(sandbox.workspace, '.git', 'hooks', 'pre-push');
    await writeFile(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    await chmod(hook, 0o755);
    const elsewhere = rig.backend.repoUrl('elsewhere');
    gitSync(sandbox.workspace, ['remote', 'set-url', 'origin', elsewhere]);
    const branch = freshBranch();
    const response = await sandbox.call('POST', '/api/git/push', {
      branch,
      message: 'Fix the sum\n\nFixes #1',
      author,
    });
    expect(response.status).toBe(200);
    const pushed = GitPushResponseSchema.parse(await response.json());
    expect(pushed).toMatchObject({ branch, files: [{ path: 'src/sum.js', status: 'modified' }] });
    expect(gitSync(rig.repoPath, ['rev-parse', `refs/heads/${branch}`]).trim()).toBe(pushed.commit);
    expect(gitSync(rig.repoPath, ['show', `${branch}:src/sum.js`])).toBe(
      'export const sum = (a, b) => a + b;\n',
    );
    expect(gitSync(rig.repoPath, ['log', '-1', '--format=%an <%ae>', branch]).trim()).toBe(
      'Ada Lovelace <ada@example.com>',
    );
    expect(gitSync(rig.repoPath, ['rev-parse', `${pushed.commit}^`]).trim()).toBe(pushed.baseCommit);
    expect(gitSync(path.join(rig.root, 'repos', 'elsewhere.git'), ['for-each-ref'])).toBe('');
    await expect(readFile(marker)).rejects.toThrow();
    expect(await readFile(path.join(rig.repoPath, 'config'), 'utf8')).not.toContain(WRITE_TOKEN);
    expect(await readFile(path.join(sandbox.workspace, '.git', 'config'), 'utf8')).not.toContain(WRITE_TOKEN);
    expect(sandbox.logs.join('')).not.toContain(WRITE_TOKEN);
    expect(sandbox.logs.length).toBeGreaterThan(0);
  });

  it('answers a token that cannot push with 403 git_permission_denied naming the repository', async () => {
    expect((await clone({ token: READ_TOKEN })).status).toBe(200);
    await fixTheSum();
    const response = await sandbox.call('POST', '/api/git/push', {
      branch: freshBranch(),
      message: 'Fix',
      author,
    });
    expect(response.status).toBe(403);
    const body = await errorOf(response);
    expect(body.code).toBe('git_permission_denied');
    expect(body.message).toContain(`the token cannot push to ${rig.repoUrl}`);
    expect(body.message).not.toContain(READ_TOKEN);
  });

  it('answers a wrong token with 403 git_permission_denied', async () => {
    expect((await clone()).status).toBe(200);
    await fixTheSum();
    const wrong = 'ghs_wrongToken0123456789abcdef';
    const response = await sandbox.call('POST', '/api/git/push', {
      branch: freshBranch(),
      message: 'Fix',
      author,
      auth: { token: wrong },
    });
    expect(response.status).toBe(403);
    const body = await errorOf(response);
    expect(body.code).toBe('git_permission_denied');
    expect(body.message).not.toContain(wrong);
  });

  it('answers a branch that exists with 409 branch_exists, keeps the commit, and pushes it under another name', async () => {
    expect((await clone()).status).toBe(200);
    await fixTheSum();
    const taken = freshBranch();
    gitSync(rig.repoPath, ['branch', taken, 'main']);
    const refused = await sandbox.call('POST', '/api/git/push', { branch: taken, message: 'Fix', author });
    expect(refused.status).toBe(409);
    const body = await errorOf(refused);
    expect(body.code).toBe('branch_exists');
    expect(body.message).toContain(`"${taken}"`);
    expect(body.message).toContain('choose another branch name');
    expect(gitSync(rig.repoPath, ['rev-parse', taken]).trim()).toBe(
      gitSync(rig.repoPath, ['rev-parse', 'main']).trim(),
    );
    const other = freshBranch();
    const response = await sandbox.call('POST', '/api/git/push', { branch: other, message: 'Fix', author });
    expect(response.status).toBe(200);
    expect(gitSync(rig.repoPath, ['show', `${other}:src/sum.js`])).toContain('a + b');
  });

  it('answers nothing to push with 409 nothing_to_commit, and a push before a clone with 409', async () => {
    const early = await sandbox.call('POST', '/api/git/push', {
      branch: freshBranch(),
      message: 'Fix',
      author,
    });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).message).toContain('clone one first');
    expect((await clone()).status).toBe(200);
    const response = await sandbox.call('POST', '/api/git/push', {
      branch: freshBranch(),
      message: 'Fix',
      author,
    });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('nothing_to_commit');
  });

  it("still pushes to the cloned repository with the clone's token after a restart", async () => {
    expect((await clone()).status).toBe(200);
    await fixTheSum();
    await sandbox.restart();
    const branch = freshBranch();
    const response = await sandbox.call('POST', '/api/git/push', { branch, message: 'Fix', author });
    expect(response.status).toBe(200);
    expect(gitSync(rig.repoPath, ['show', `${branch}:src/sum.js`])).toContain('a + b');
    const remembered = await readFile(path.join(sandbox.stateDir, 'git', 'remote.json'), 'utf8');
    expect(remembered).toContain(rig.repoUrl);
    expect(remembered).not.toContain(WRITE_TOKEN);
  });
});

const outputs = (events: readonly Event[]) =>
  events.flatMap((e) =>
    e.type === 'observation' && e.observation.type === 'run_command' ? [e.observation.output] : [],
  );

describe('a token given to /api/git', () => {
  it('is masked in the events and LLM requests of a conversation that prints it, and never exported', async () => {
    const cloned = await sandbox.call('POST', '/api/git/clone', {
      url: rig.repoUrl,
      auth: { token: WRITE_TOKEN },
    });
    expect(cloned.status).toBe(200);
    // Whatever way the agent came by the token's text, it prints it.
    await writeFile(path.join(sandbox.workspace, 'notes.txt'), `token=${WRITE_TOKEN}\n`);
    const { service } = sandbox.agent;
    const info = await service.create({
      llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-key-0123456789' },
      initialMessage: 'Read the notes.',
    });
    await service.idle();
    const events = service.readEvents(info.id, { afterSeq: 0, limit: 1000 }).items;
    const printed = outputs(events);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`token=${SECRET_PLACEHOLDER}`);
    expect(printed[0]).not.toContain('HANDOFF_GIT');
    expect(JSON.stringify(events)).not.toContain(WRITE_TOKEN);
    expect(llms).toHaveLength(1);
    const sent = JSON.stringify(llms[0]?.requests);
    expect(sent).toContain(SECRET_PLACEHOLDER);
    expect(sent).not.toContain(WRITE_TOKEN);
    expect(sandbox.logs.join('')).not.toContain(WRITE_TOKEN);
  });
});
