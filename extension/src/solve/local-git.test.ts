import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo } from '../testing/fixture-repo';
import type { FixtureRepo } from '../testing/fixture-repo';
import { GitHttpServer, runGit } from '../testing/git-http-server';
import { checkOutBranch } from './local-branch';
import { detectGitHubRemote, gitHubRemotes, LocalGitError, remoteHost } from './local-git';
import { applyPatch } from './local-patch';

const TOKEN = 'ghs_localGitTokenLocalGitToken0001';
const AUTHOR = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};
/** The git server is on 127.0.0.1: this web root makes its remotes GitHub remotes. */
const WEB_URL = 'http://127.0.0.1';

let root: string;
let home: string;
let server: GitHttpServer;
let fixture: FixtureRepo;
let clones = 0;

async function git(args: string[], cwd: string): Promise<string> {
  const result = await runGit(args, { cwd, env: AUTHOR });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A clone of the fixture whose `origin` is the server's HTTP URL (cloned from disk: no token needed). */
async function localClone(): Promise<string> {
  clones += 1;
  const dir = path.join(root, `clone-${String(clones)}`);
  await git(['clone', '--quiet', server.repoPath('acme', 'sum-lib'), dir], root);
  await git(['remote', 'set-url', 'origin', fixture.cloneUrl], dir);
  return dir;
}

/** Pushes a commit fixing the bug to `branch` on the server (straight to the bare repository). */
async function pushFix(branch: string): Promise<string> {
  const dir = await localClone();
  await git(['checkout', '--quiet', '-b', branch], dir);
  const file = path.join(dir, fixture.fix.path);
  await writeFile(file, (await readFile(file, 'utf8')).replace(fixture.fix.oldStr, fixture.fix.newStr));
  await git(['commit', '--quiet', '-am', 'Fix sum()'], dir);
  await git(['push', '--quiet', server.repoPath('acme', 'sum-lib'), branch], dir);
  return git(['rev-parse', 'HEAD'], dir);
}

function options(folder: string) {
  return { folder, webUrl: WEB_URL, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home } };
}

async function refusal(promise: Promise<unknown>): Promise<LocalGitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LocalGitError);
  return error as LocalGitError;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'handoff-local-git-'));
  home = path.join(root, 'home');
  await mkdir(home);
  server = await GitHttpServer.start({ root: path.join(root, 'repos'), tokens: { [TOKEN]: { push: true } } });
  fixture = await createFixtureRepo(server);
}, 30_000);

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('remote detection', () => {
  it('finds origin first, from a subfolder too, and skips remotes that are not GitHub', async () => {
    const dir = await localClone();
    await git(['remote', 'add', 'aaa-fork', 'git@github.com:someone/sum-lib.git'], dir);
    await git(['remote', 'add', 'elsewhere', 'https://gitlab.com/acme/sum-lib.git'], dir);
    const remote = await detectGitHubRemote(options(path.join(dir, 'src')));
    expect(remote).toEqual({
      name: 'origin',
      url: fixture.cloneUrl,
      ref: { owner: 'acme', repo: 'sum-lib' },
      host: '127.0.0.1',
    });
    const all = await gitHubRemotes(options(dir));
    expect(all.map((r) => r.name)).toEqual(['origin', 'aaa-fork']);
    expect(all[1]).toMatchObject({ ref: { owner: 'someone', repo: 'sum-lib' }, host: 'github.com' });
  });

  it('takes the first GitHub remote when origin is elsewhere, and none for a plain folder', async () => {
    const dir = await localClone();
    await git(['remote', 'set-url', 'origin', 'https://gitlab.com/acme/sum-lib.git'], dir);
    await git(['remote', 'add', 'upstream', 'https://github.com/acme/sum-lib.git'], dir);
    expect((await detectGitHubRemote(options(dir)))?.name).toBe('upstream');
    const plain = path.join(root, 'plain');
    await mkdir(plain, { recursive: true });
    expect(await detectGitHubRemote(options(plain))).toBeUndefined();
  });

  it('reads the host of https, ssh and scp-style remotes', () => {
    expect(remoteHost('https://GitHub.com/acme/x.git')).toBe('github.com');
    expect(remoteHost('ssh://git@ghe.example:22/acme/x')).toBe('ghe.example');
    expect(remoteHost('git@ghe.example:acme/x.git')).toBe('ghe.example');
    expect(remoteHost('not a url')).toBeUndefined();
  });
});

describe('checkOutBranch', () => {
  it('fetches the branch with the token through a scoped helper and checks out a tracking branch', async () => {
    const sha = await pushFix('handoff/issue-1-sum');
    const dir = await localClone();
    const done = await checkOutBranch({
      ...options(dir),
      owner: 'acme',
      repo: 'sum-lib',
      branch: 'handoff/issue-1-sum',
      token: TOKEN,
    });
    expect(done).toEqual({ branch: 'handoff/issue-1-sum', remote: 'origin', head: sha, created: true });
    expect(await git(['symbolic-ref', '--short', 'HEAD'], dir)).toBe('handoff/issue-1-sum');
    expect(await git(['rev-parse', '--abbrev-ref', '@{upstream}'], dir)).toBe('origin/handoff/issue-1-sum');
    expect(await readFile(path.join(dir, fixture.fix.path), 'utf8')).toContain(fixture.fix.newStr);
    // The token went as Basic auth to the server, and is nowhere in the clone's config.
    expect(server.requests.some((r) => r.credentialsSent && r.status === 200)).toBe(true);
    expect(await readFile(path.join(dir, '.git', 'config'), 'utf8')).not.toContain(TOKEN);
  }, 30_000);

  it('fast-forwards a local branch that already exists', async () => {
    const dir = await localClone();
    await git(['branch', 'handoff/issue-2-ff', 'main'], dir);
    const sha = await pushFix('handoff/issue-2-ff');
    const done = await checkOutBranch({
      ...options(dir),
      owner: 'acme',
      repo: 'sum-lib',
      branch: 'handoff/issue-2-ff',
      token: TOKEN,
    });
    expect(done).toMatchObject({ head: sha, created: false });
  }, 30_000);

  it('refuses uncommitted changes, another repository, and says why a fetch failed', async () => {
    await pushFix('handoff/issue-3-x');
    const dir = await localClone();
    const target = { owner: 'acme', repo: 'sum-lib', branch: 'handoff/issue-3-x', token: TOKEN };
    await writeFile(path.join(dir, 'README.md'), 'local edit\n');
    const dirty = await refusal(checkOutBranch({ ...options(dir), ...target }));
    expect(dirty.kind).toBe('uncommitted_changes');
    expect(dirty.message).toContain('README.md');
    expect(dirty.message).toContain('commit or stash them');
    await git(['checkout', '--', 'README.md'], dir);

    const other = await refusal(checkOutBranch({ ...options(dir), ...target, owner: 'someone-else' }));
    expect(other.kind).toBe('other_repository');
    expect(other.message).toContain('not a clone of someone-else/sum-lib');

    const denied = await refusal(checkOutBranch({ ...options(dir), ...target, token: undefined }));
    expect(denied.kind).toBe('fetch_failed');
    expect(denied.message).toContain('Could not fetch handoff/issue-3-x from origin');
    const missing = await refusal(checkOutBranch({ ...options(dir), ...target, branch: 'handoff/nope' }));
    expect(missing.kind).toBe('fetch_failed');
    expect(await git(['symbolic-ref', '--short', 'HEAD'], dir)).toBe('main');
  }, 30_000);
});

describe('applyPatch', () => {
  async function fixPatch(): Promise<string> {
    const dir = await localClone();
    const file = path.join(dir, fixture.fix.path);
    await writeFile(file, (await readFile(file, 'utf8')).replace(fixture.fix.oldStr, fixture.fix.newStr));
    await writeFile(path.join(dir, 'NOTES.md'), 'new file\n');
    await git(['add', '--all'], dir);
    return git(['diff', '--cached', '--binary', 'HEAD'], dir).then((out) => `${out}\n`);
  }

  it('applies a patch cleanly to a clean clone', async () => {
    const patch = await fixPatch();
    const dir = await localClone();
    const applied = await applyPatch({ ...options(dir), patch });
    expect(applied).toEqual({ files: ['NOTES.md', 'src/sum.js'], conflicts: [] });
    expect(await readFile(path.join(dir, fixture.fix.path), 'utf8')).toContain(fixture.fix.newStr);
    expect(await readFile(path.join(dir, 'NOTES.md'), 'utf8')).toBe('new file\n');
  });

  it('merges three ways over a committed local change, leaving conflict markers to resolve', async () => {
    const patch = await fixPatch();
    const dir = await localClone();
    const file = path.join(dir, fixture.fix.path);
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(fixture.fix.oldStr, 'for (const n of numbers) {'),
    );
    await git(['commit', '--quiet', '-am', 'Local rewrite'], dir);
    const applied = await applyPatch({ ...options(dir), patch });
    expect(applied.conflicts).toEqual(['src/sum.js']);
    expect(await readFile(file, 'utf8')).toContain('<<<<<<<');
  });

  it('refuses a patch that does not apply, leaving the tree as it was, and an empty one', async () => {
    const dir = await localClone();
    const foreign = [
      'diff --git a/missing.js b/missing.js',
      'index 1111111..2222222 100644',
      '--- a/missing.js',
      '+++ b/missing.js',
      '@@ -1 +1 @@',
      '-old',
      '+new',
      '',
    ].join('\n');
    const refused = await refusal(applyPatch({ ...options(dir), patch: foreign }));
    expect(refused.kind).toBe('patch_failed');
    expect(refused.message).toContain('do not apply');
    expect(await git(['status', '--porcelain'], dir)).toBe('');
    expect((await refusal(applyPatch({ ...options(dir), patch: '  ' }))).kind).toBe('patch_failed');
  });
});
