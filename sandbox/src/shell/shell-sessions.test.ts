import { spawnSync } from 'node:child_process';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors';
import { isProcessAlive, waitForExit } from '../testing/processes';
import { createShellFixture } from '../testing/shell-fixture';
import type { ShellFixture } from '../testing/shell-fixture';
import { waitForFile } from '../testing/wait-for-file';
import { ShellSessions } from './shell-sessions';

let shell: ShellFixture | undefined;
let disposed = false;

beforeEach(async () => {
  shell = await createShellFixture({ maxSessions: 3 });
  disposed = false;
});

afterEach(async () => {
  if (!disposed) await shell?.dispose();
});

/** The last line of `output` as a number (an interactive shell announces jobs as `[1] 123` first). */
function lastNumber(output: string): number {
  return Number(output.trim().split('\n').at(-1));
}

function fixture(): ShellFixture {
  if (shell === undefined) throw new Error('no fixture');
  return shell;
}

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('named sessions', () => {
  it('keep their own directory and variables', async () => {
    const { run, workspace } = fixture();
    await mkdir(path.join(workspace, 'sub'));
    await run('cd sub; export ONLY_HERE=1', { session: 'other' });
    expect(await run('pwd; echo ${ONLY_HERE:-unset}')).toMatchObject({
      output: `${workspace}\nunset\n`,
      session: 'default',
    });
    expect(await run('pwd; echo $ONLY_HERE', { session: 'other' })).toMatchObject({
      output: `${path.join(workspace, 'sub')}\n1\n`,
      session: 'other',
      cwd: path.join(workspace, 'sub'),
    });
  });

  it('run concurrently: one waits for what another does', async () => {
    const { run } = fixture();
    const waiting = run('while [ ! -e go ]; do sleep 0.02; done; echo released', { session: 'a' });
    expect(await run('touch go; echo sent', { session: 'b' })).toMatchObject({ output: 'sent\n' });
    expect(await waiting).toMatchObject({ status: 'completed', output: 'released\n' });
  });

  it.skipIf(!hasPython)('serve in one session while another uses the server', async () => {
    const { run } = fixture();
    await writeFile(path.join(fixture().workspace, 'hello.txt'), 'hello from the server\n');
    const started = await run('python3 -u -m http.server 0 --bind 127.0.0.1', {
      session: 'server',
      noChangeTimeoutSec: 1,
    });
    expect(started.status).toBe('no_change_timeout');
    const port = /port (\d+)/.exec(started.output)?.[1];
    expect(port).toBeDefined();
    const fetched = await run(
      `python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:${port}/hello.txt').read().decode(), end='')"`,
    );
    expect(fetched).toMatchObject({ exitCode: 0, output: 'hello from the server\n' });
    const log = await run('', { session: 'server', noChangeTimeoutSec: 0.5 });
    expect(log.output).toContain('GET /hello.txt');
    expect(await run('C-c', { session: 'server' })).toMatchObject({ status: 'completed' });
  });

  it('are capped, with an error that names the open ones', async () => {
    const { run } = fixture();
    await run('true', { session: 'one' });
    await run('true', { session: 'two' });
    await run('true', { session: 'three' });
    const error: unknown = await run('true', { session: 'four' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe('invalid_request');
    expect((error as SandboxError).message).toContain('3 sessions are open already (one, two, three)');
    await run('exit', { session: 'two' });
    expect(await run('echo opened', { session: 'four' })).toMatchObject({ output: 'opened\n' });
  });
});

describe('starting', () => {
  it('fails clearly when bash cannot start, and tries again next time', async () => {
    const gone = path.join(fixture().workspace, 'gone');
    await mkdir(gone);
    const shells = new ShellSessions({ workspace: gone, env: {} });
    await rmdir(gone);
    const error: unknown = await shells
      .run('default', { kind: 'command', command: 'true' }, { noChangeMs: 1000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).message).toMatch(
      /^bash exited \(1\) before its first prompt: chdir\(2\) failed/,
    );
    await mkdir(gone);
    expect(
      await shells.run('default', { kind: 'command', command: 'pwd' }, { noChangeMs: 1000 }),
    ).toMatchObject({
      output: `${gone}\n`,
    });
    await shells.close();
  });
});

describe('closing', () => {
  it('kills every process of every session, background jobs included', async () => {
    const { run, workspace, dispose } = fixture();
    const background = await run('sleep 1000 > /dev/null 2>&1 & echo $!');
    const backgroundPid = lastNumber(background.output);
    const nested = await run('(sleep 1000; true) > /dev/null & echo $!', { session: 'jobs' });
    const nestedPid = lastNumber(nested.output);
    const foreground = run("sh -c 'echo $$ > fg.pid; exec sleep 1000'", { session: 'fg' });
    const foregroundPid = Number(await waitForFile(path.join(workspace, 'fg.pid')));
    const shellPid = Number((await run('echo $$')).output.trim());
    for (const pid of [backgroundPid, nestedPid, foregroundPid, shellPid])
      expect(isProcessAlive(pid)).toBe(true);
    await dispose();
    disposed = true;
    expect(await foreground).toMatchObject({ status: 'interrupted' });
    for (const pid of [backgroundPid, nestedPid, foregroundPid, shellPid])
      expect(await waitForExit(pid)).toBe(true);
  });

  it('refuses new commands afterwards', async () => {
    const { run, dispose } = fixture();
    await dispose();
    disposed = true;
    const error: unknown = await run('true').catch((caught: unknown) => caught);
    expect((error as SandboxError).code).toBe('sandbox_unavailable');
  });
});
