import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo } from './fixture-repo';
import type { FixtureRepo } from './fixture-repo';
import { GitHttpServer, runGit } from './git-http-server';
import type { GitRunResult } from './git-http-server';

const PUSH_TOKEN = 'ghs_pushTokenPushTokenPushToken01';
const READ_TOKEN = 'ghs_readTokenReadTokenReadToken001';
/** The token reaches git the way the solve flow gives it: a credential helper, never the URL. */
const CREDENTIAL_HELPER = 'credential.helper=!f() { echo username=x-access-token; echo password=$TOKEN; }; f';
const AUTHOR = ['-c', 'user.name=Handoff', '-c', 'user.email=handoff@example.com'];

let root: string;
let server: GitHttpServer;
let fixture: FixtureRepo;

function gitWithToken(token: string, args: string[], cwd?: string): Promise<GitRunResult> {
  return runGit(['-c', CREDENTIAL_HELPER, ...AUTHOR, ...args], { cwd, env: { TOKEN: token } });
}

async function cloneFixture(token: string): Promise<{ dir: string; result: GitRunResult }> {
  const dir = path.join(await mkdtemp(path.join(root, 'clone-')), 'sum-lib');
  return { dir, result: await gitWithToken(token, ['clone', fixture.cloneUrl, dir]) };
}

function nodeTest(cwd: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--test'], { cwd }, (error) => {
      resolve(error ? Number(error.code ?? 1) : 0);
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'handoff-git-server-'));
  server = await GitHttpServer.start({
    root: path.join(root, 'repos'),
    tokens: { [PUSH_TOKEN]: { push: true }, [READ_TOKEN]: { push: false } },
  });
  fixture = await createFixtureRepo(server);
}, 30_000);

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('GitHttpServer', () => {
  it('clones with a token from a credential helper, leaving no token in the remote URL', async () => {
    const { dir, result } = await cloneFixture(PUSH_TOKEN);
    expect(result.exitCode, result.stderr).toBe(0);
    const config = await readFile(path.join(dir, '.git', 'config'), 'utf8');
    expect(config).toContain(`url = ${fixture.cloneUrl}`);
    expect(config).not.toContain(PUSH_TOKEN);
    expect(fixture.cloneUrl).toBe(server.cloneUrl('acme', 'sum-lib'));
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim()).toBe(fixture.headSha);
    // git asks anonymously first, is refused with GitHub's challenge, then sends the helper's token.
    const first = server.requests.find((r) => r.path === '/acme/sum-lib.git/info/refs');
    expect(first).toMatchObject({ credentialsSent: false, status: 401, service: 'git-upload-pack' });
    expect(server.requests).toContainEqual(
      expect.objectContaining({ credentialsSent: true, username: 'x-access-token', status: 200 }),
    );
    expect(JSON.stringify(server.requests)).not.toContain(PUSH_TOKEN);
  }, 30_000);

  it('serves a fixture whose test fails until the one-line fix, and takes the pushed branch', async () => {
    const { dir, result } = await cloneFixture(PUSH_TOKEN);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await nodeTest(dir)).not.toBe(0);

    const file = path.join(dir, fixture.fix.path);
    const before = await readFile(file, 'utf8');
    expect(before.split(fixture.fix.oldStr)).toHaveLength(2);
    await writeFile(file, before.replace(fixture.fix.oldStr, fixture.fix.newStr));
    expect(await nodeTest(dir)).toBe(0);

    const branch = 'handoff/issue-1-fix-sum';
    expect((await runGit(['checkout', '--quiet', '-b', branch], { cwd: dir })).exitCode).toBe(0);
    expect(
      (
        await runGit([...AUTHOR, 'commit', '--quiet', '-am', 'Fix sum() skipping the last number'], {
          cwd: dir,
        })
      ).exitCode,
    ).toBe(0);
    const sha = (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    const push = await gitWithToken(PUSH_TOKEN, ['push', 'origin', branch], dir);
    expect(push.exitCode, push.stderr).toBe(0);

    const refs = await server.refs('acme', 'sum-lib');
    expect(refs[`refs/heads/${branch}`]).toBe(sha);
    expect(refs['refs/heads/main']).toBe(fixture.headSha);
    expect(server.pushes).toEqual([
      {
        owner: 'acme',
        repo: 'sum-lib',
        username: 'x-access-token',
        updates: [{ ref: `refs/heads/${branch}`, oldSha: '0'.repeat(40), newSha: sha }],
      },
    ]);
    expect(JSON.stringify(server.requests)).not.toContain(PUSH_TOKEN);
  }, 60_000);

  it('refuses an unknown token with 401 and GitHub’s Basic challenge', async () => {
    const { result } = await cloneFixture('ghs_notAToken');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Authentication failed/);
    expect(server.requests.at(-1)).toMatchObject({ credentialsSent: true, status: 401 });
    const response = await fetch(`${fixture.cloneUrl}/info/refs?service=git-upload-pack`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="GitHub"');
  }, 30_000);

  it('lets a read-only token clone but answers its push with 403', async () => {
    const { dir, result } = await cloneFixture(READ_TOKEN);
    expect(result.exitCode, result.stderr).toBe(0);
    const pushesBefore = server.pushes.length;
    const refsBefore = await server.refs('acme', 'sum-lib');
    await runGit(['checkout', '--quiet', '-b', 'handoff/read-only'], { cwd: dir });
    await runGit([...AUTHOR, 'commit', '--quiet', '--allow-empty', '-m', 'nothing'], { cwd: dir });
    const push = await gitWithToken(READ_TOKEN, ['push', 'origin', 'handoff/read-only'], dir);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/403/);
    expect(server.requests.at(-1)).toMatchObject({ service: 'git-receive-pack', status: 403 });
    expect(await server.refs('acme', 'sum-lib')).toEqual(refsBefore);
    expect(server.pushes).toHaveLength(pushesBefore);
  }, 30_000);

  it('takes a push larger than git’s post buffer (chunked, after a probe request)', async () => {
    const { dir, result } = await cloneFixture(PUSH_TOKEN);
    expect(result.exitCode, result.stderr).toBe(0);
    await runGit(['checkout', '--quiet', '-b', 'handoff/large'], { cwd: dir });
    await writeFile(path.join(dir, 'blob.bin'), randomBytes(3 << 20));
    await runGit(['add', 'blob.bin'], { cwd: dir });
    await runGit([...AUTHOR, 'commit', '--quiet', '-m', 'large'], { cwd: dir });
    const sha = (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    const push = await gitWithToken(PUSH_TOKEN, ['push', 'origin', 'handoff/large'], dir);
    expect(push.exitCode, push.stderr).toBe(0);
    expect((await server.refs('acme', 'sum-lib'))['refs/heads/handoff/large']).toBe(sha);
    expect(server.pushes.at(-1)?.updates).toEqual([
      { ref: 'refs/heads/handoff/large', oldSha: '0'.repeat(40), newSha: sha },
    ]);
  }, 60_000);

  it('accepts gzip request bodies (git gzips a fetch negotiation over 1 KiB)', async () => {
    const work = await mkdtemp(path.join(root, 'many-'));
    await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: work });
    for (let i = 0; i < 40; i++) {
      await runGit([...AUTHOR, 'commit', '--quiet', '--allow-empty', '-m', `c${String(i)}`], { cwd: work });
      await runGit(['branch', `b${String(i)}`], { cwd: work });
    }
    await server.createBareRepo('acme', 'many', work);
    const dir = path.join(root, 'many-clone');
    const clone = await gitWithToken(PUSH_TOKEN, [
      'clone',
      '--no-single-branch',
      server.cloneUrl('acme', 'many'),
      dir,
    ]);
    expect(clone.exitCode, clone.stderr).toBe(0);
    expect(server.requests).toContainEqual(
      expect.objectContaining({ path: '/acme/many.git/git-upload-pack', gzipped: true, status: 200 }),
    );
    const branches = await runGit(['branch', '-r'], { cwd: dir });
    expect(branches.stdout).toContain('origin/b39');
  }, 60_000);
});
