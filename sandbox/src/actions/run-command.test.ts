import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunCommandAction } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors';
import { MAX_OUTPUT_CHARS, TRUNCATION_MARKER } from '../shell/output';
import { ProcessGroups } from '../shell/process-groups';
import { isProcessAlive, waitForExit } from '../testing/processes';
import { createTempWorkspace } from '../testing/temp-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';
import { commandEnv } from './action-context';
import type { ActionContext } from './action-context';
import { execute } from './run-command';

let workspace: TempWorkspace;
let ctx: ActionContext;

beforeEach(async () => {
  workspace = await createTempWorkspace();
  ctx = { workspace: workspace.path, env: commandEnv(process.env), processGroups: new ProcessGroups() };
});

afterEach(async () => {
  ctx.processGroups.killAll();
  await workspace.dispose();
});

const run = (command: string, extra: Partial<RunCommandAction> = {}) =>
  execute({ type: 'run_command', command, ...extra }, ctx);

async function refusal(promise: Promise<unknown>): Promise<SandboxError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe('run-command: results', () => {
  it('reports output and exit code 0', async () => {
    const observation = await run('echo hello');
    expect(observation).toEqual({
      type: 'run_command',
      command: 'echo hello',
      exitCode: 0,
      output: 'hello\n',
      timedOut: false,
      cwd: workspace.path,
    });
  });

  it('reports a non-zero exit as data', async () => {
    const observation = await run('exit 3');
    expect(observation.exitCode).toBe(3);
    expect(observation.timedOut).toBe(false);
  });

  it('reports a signal as 128 + its number', async () => {
    expect((await run('kill -TERM $$')).exitCode).toBe(128 + 15);
  });

  it('captures stderr, interleaved with stdout in arrival order', async () => {
    const observation = await run('echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three');
    expect(observation.output).toBe('one\ntwo\nthree\n');
  });

  it('runs with stdin at end of file', async () => {
    const observation = await run('read -r line; echo "read exit $?"; cat; echo done');
    expect(observation.output).toBe('read exit 1\ndone\n');
  });

  it('strips ANSI escape sequences', async () => {
    const observation = await run(String.raw`printf '\033[1;31mred\033[0m \033]0;title\007plain\n'`);
    expect(observation.output).toBe('red plain\n');
  });

  it('keeps multi-byte characters whole', async () => {
    expect((await run('printf "héllo ✓ 🎉\\n"')).output).toBe('héllo ✓ 🎉\n');
  });

  it('cuts the middle of long output, keeping both ends', async () => {
    const observation = await run('echo START; head -c 100000 /dev/zero | tr "\\0" x; echo; echo END');
    expect(observation.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(observation.output.startsWith('START\nxxx')).toBe(true);
    expect(observation.output.endsWith('xxx\nEND\n')).toBe(true);
    expect(observation.output).toContain(TRUNCATION_MARKER);
  });

  it('keeps memory bounded for very long output and still shows both ends', async () => {
    const observation = await run('echo START; head -c 5000000 /dev/zero | tr "\\0" y; echo; echo END');
    expect(observation.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(observation.output.startsWith('START\n')).toBe(true);
    expect(observation.output.endsWith('\nEND\n')).toBe(true);
  });

  it('does not wait for a background job that keeps stdout open', async () => {
    const observation = await run('sleep 30 & echo started');
    expect(observation).toMatchObject({ exitCode: 0, output: 'started\n', timedOut: false });
    expect(ctx.processGroups.size).toBe(1);
  });
});

describe('run-command: timeout', () => {
  it('kills the whole process group and reports the timeout', async () => {
    const pidFile = path.join(workspace.path, 'child.pid');
    const started = Date.now();
    const observation = await run(`sleep 100 & echo $! > ${pidFile}; echo waiting; wait`, {
      timeoutSec: 0.5,
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(observation.timedOut).toBe(true);
    expect(observation.exitCode).toBe(-1);
    expect(observation.output).toMatch(
      /^waiting\n\n\[The command timed out after 0\.5 seconds and was killed\./,
    );
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(await waitForExit(childPid)).toBe(true);
    expect(isProcessAlive(childPid)).toBe(false);
  });

  it('keeps the timeout note within the output limit', async () => {
    const observation = await run('head -c 100000 /dev/zero | tr "\\0" z; sleep 100', { timeoutSec: 0.5 });
    expect(observation.timedOut).toBe(true);
    expect(observation.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(observation.output).toMatch(
      /\[The command timed out after 0\.5 seconds and was killed\.[^\]]*\]$/,
    );
  });
});

describe('run-command: working directory', () => {
  it('runs in action.cwd inside the workspace and reports it', async () => {
    await mkdir(path.join(workspace.path, 'sub', 'dir'), { recursive: true });
    const observation = await run('pwd', { cwd: 'sub/dir' });
    expect(observation.output).toBe(`${path.join(workspace.path, 'sub', 'dir')}\n`);
    expect(observation.cwd).toBe(path.join(workspace.path, 'sub', 'dir'));
  });

  it('accepts an absolute path inside the workspace', async () => {
    await mkdir(path.join(workspace.path, 'abs'));
    expect((await run('pwd', { cwd: path.join(workspace.path, 'abs') })).cwd).toBe(
      path.join(workspace.path, 'abs'),
    );
  });

  it('refuses ../ out of the workspace', async () => {
    const error = await refusal(run('pwd', { cwd: '../' }));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.message).toContain('outside the workspace');
  });

  it('refuses an absolute path outside the workspace', async () => {
    const error = await refusal(run('pwd', { cwd: '/etc' }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('"/etc"');
  });

  it('refuses a symlink that leads out of the workspace', async () => {
    await symlink('/etc', path.join(workspace.path, 'escape'));
    const error = await refusal(run('pwd', { cwd: 'escape' }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('through a symlink');
  });

  it('refuses a missing directory and a file', async () => {
    await writeFile(path.join(workspace.path, 'file.txt'), 'x');
    expect((await refusal(run('pwd', { cwd: 'missing' }))).message).toContain('does not exist');
    expect((await refusal(run('pwd', { cwd: 'file.txt' }))).message).toContain('not a directory');
  });
});

describe('run-command: environment', () => {
  it('never shows HANDOFF_* variables, the session key above all, to the command', async () => {
    ctx.env = commandEnv({
      ...process.env,
      HANDOFF_SESSION_API_KEY: 'secret-session-key-0123456789',
      HANDOFF_WORKSPACE: workspace.path,
      VISIBLE_VAR: 'visible',
    });
    const observation = await run('env');
    expect(observation.output).toContain('VISIBLE_VAR=visible');
    expect(observation.output).not.toContain('secret-session-key');
    expect(observation.output).not.toContain('HANDOFF_');
  });
});
