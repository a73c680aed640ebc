import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors';
import { createGitFixture, git } from '../testing/git-fixture';
import type { GitFixture } from '../testing/git-fixture';
import { RecordingLogger } from '../testing/recording-logger';
import { cloneRepository } from './clone';
import { commitWorkspace } from './commit';

const author = { name: 'Ada Lovelace', email: 'ada@example.com' };
let fixture: GitFixture;
let ctx: { workspace: string; env: NodeJS.ProcessEnv };

beforeEach(async () => {
  fixture = await createGitFixture();
  ctx = { workspace: fixture.workspace, env: process.env };
  await cloneRepository({ url: fixture.remote }, { ...ctx, logger: new RecordingLogger() });
});

afterEach(async () => {
  await fixture.dispose();
});

const at = (name: string) => path.join(fixture.workspace, name);
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('commitWorkspace', () => {
  it('commits every change onto the branch, as the author, and bundles the branch', async () => {
    await writeFile(at('src/sum.js'), 'export const sum = (a, b) => a + b;\n');
    await writeFile(at('new.txt'), 'untracked before\n');
    const response = await commitWorkspace(
      { branch: 'handoff/issue-1-sum', message: 'Fix the sum\n\nFixes #1', author },
      ctx,
    );
    expect(response.branch).toBe('handoff/issue-1-sum');
    expect(response.baseCommit).toBe(fixture.mainCommit);
    expect(response.commit).not.toBe(fixture.mainCommit);
    expect(response.files).toEqual([
      { path: 'new.txt', status: 'added' },
      { path: 'src/sum.js', status: 'modified' },
    ]);
    expect(response.bundlePath).toBe(path.join(fixture.workspace, '.git', 'handoff', 'push.bundle'));
    const ws = fixture.workspace;
    expect(git(ws, ['log', '-1', '--format=%an <%ae>|%cn <%ce>|%B']).trim()).toBe(
      'Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>|Fix the sum\n\nFixes #1',
    );
    expect(git(ws, ['symbolic-ref', '--short', 'HEAD']).trim()).toBe('handoff/issue-1-sum');
    expect(git(ws, ['status', '--porcelain'])).toBe('');
    expect(git(ws, ['bundle', 'list-heads', response.bundlePath])).toBe(
      `${response.commit} refs/heads/handoff/issue-1-sum\n`,
    );
  });

  it('moves the commit to another branch name when called again', async () => {
    await writeFile(at('fix.txt'), 'fixed\n');
    const first = await commitWorkspace({ branch: 'taken', message: 'Fix', author }, ctx);
    const second = await commitWorkspace({ branch: 'handoff/other-name', message: 'Fix', author }, ctx);
    expect(second.commit).toBe(first.commit);
    expect(second.files).toEqual([{ path: 'fix.txt', status: 'added' }]);
    expect(git(fixture.workspace, ['bundle', 'list-heads', second.bundlePath])).toBe(
      `${first.commit} refs/heads/handoff/other-name\n`,
    );
    expect(git(fixture.workspace, ['rev-list', '--count', `${fixture.mainCommit}..HEAD`]).trim()).toBe('1');
  });

  it("takes the agent's own commits when nothing else is left", async () => {
    await writeFile(at('agent.txt'), 'committed by the agent\n');
    git(fixture.workspace, ['add', '-A']);
    git(fixture.workspace, ['commit', '--quiet', '-m', 'agent']);
    const agentCommit = git(fixture.workspace, ['rev-parse', 'HEAD']).trim();
    const response = await commitWorkspace({ branch: 'b', message: 'unused', author }, ctx);
    expect(response.commit).toBe(agentCommit);
    expect(response.files).toEqual([{ path: 'agent.txt', status: 'added' }]);
  });

  it('answers an untouched clone with nothing_to_commit', async () => {
    const error = await commitWorkspace({ branch: 'b', message: 'm', author }, ctx).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe('nothing_to_commit');
    expect((error as SandboxError).status).toBe(409);
  });

  it('runs none of the hooks or the fsmonitor the agent put in .git, and ignores its identity settings', async () => {
    const marker = path.join(fixture.workspace, '..', 'ran');
    const script = `#!/bin/sh\necho "$0" >> '${marker}'\n`;
    const hookDirs = [at('.git/hooks'), at('agent-hooks')];
    for (const dir of hookDirs) {
      await mkdir(dir, { recursive: true });
      for (const hook of [
        'pre-commit',
        'commit-msg',
        'post-commit',
        'post-checkout',
        'reference-transaction',
      ]) {
        await writeFile(path.join(dir, hook), script);
        await chmod(path.join(dir, hook), 0o755);
      }
    }
    await writeFile(at('monitor.sh'), script);
    await chmod(at('monitor.sh'), 0o755);
    git(fixture.workspace, ['config', 'core.fsmonitor', at('monitor.sh')]);
    git(fixture.workspace, ['config', 'core.hooksPath', at('agent-hooks')]);
    git(fixture.workspace, ['config', 'author.name', 'Someone Else']);
    await writeFile(at('fix.txt'), 'fixed\n');
    const response = await commitWorkspace({ branch: 'b', message: 'Fix', author }, ctx);
    expect(response.files.map((file) => file.path)).toContain('fix.txt');
    expect(await exists(marker)).toBe(false);
    expect(git(fixture.workspace, ['log', '-1', '--format=%an']).trim()).toBe('Ada Lovelace');
  });
});
