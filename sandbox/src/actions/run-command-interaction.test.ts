import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive, waitForExit } from '../testing/processes';
import { createShellFixture } from '../testing/shell-fixture';
import type { ShellFixture } from '../testing/shell-fixture';
import { waitForFile } from '../testing/wait-for-file';
import { interrupt } from './run-command';

let shell: ShellFixture;
const run: ShellFixture['run'] = (command, extra) => shell.run(command, extra);
/** A soft timeout short enough for tests: the commands below wait on files, not on time. */
const QUIET = { noChangeTimeoutSec: 0.2 };
/** Blocks until the file `go` appears in the working directory, printing nothing. */
const WAIT_FOR_GO = 'while [ ! -e go ]; do sleep 0.02; done';

beforeEach(async () => {
  shell = await createShellFixture();
});

afterEach(async () => {
  await shell.dispose();
});

const go = (): Promise<void> => writeFile(path.join(shell.workspace, 'go'), '');

describe('run-command: soft timeout and continuing', () => {
  it('returns what came so far, then only the new output once the command ends', async () => {
    const first = await run(`echo first; ${WAIT_FOR_GO}; echo second`, QUIET);
    expect(first).toMatchObject({
      status: 'no_change_timeout',
      exitCode: -1,
      timedOut: true,
      output: 'first\n',
    });
    await go();
    const rest = await run('', { noChangeTimeoutSec: 30 });
    expect(rest).toMatchObject({
      command: '',
      status: 'completed',
      exitCode: 0,
      timedOut: false,
      output: 'second\n',
    });
  });

  it('keeps a finished command for the next empty call', async () => {
    await run(`echo first; ${WAIT_FOR_GO}; echo second; echo > done.txt; (exit 5)`, QUIET);
    await go();
    await waitForFile(path.join(shell.workspace, 'done.txt'));
    const rest = await run('', { noChangeTimeoutSec: 30 });
    expect(rest).toMatchObject({ status: 'completed', exitCode: 5, output: 'second\n' });
    expect((await run('')).status).toBe('no_running_command');
  });

  it('sends C-c without Enter and reports how the command ended', async () => {
    expect((await run('sleep 100', QUIET)).status).toBe('no_change_timeout');
    const stopped = await run('C-c');
    expect(stopped).toMatchObject({ status: 'completed', exitCode: 130 });
    expect((await run('echo ok')).output).toBe('ok\n');
  });

  it('suspends with C-z', async () => {
    expect((await run('sleep 100', QUIET)).status).toBe('no_change_timeout');
    const suspended = await run('C-z');
    expect(suspended).toMatchObject({ status: 'completed', exitCode: 128 + 20 });
    expect(suspended.output).toContain('Stopped');
    expect((await run('jobs')).output).toContain('sleep 100');
  });

  it('answers an interactive prompt with isInput', async () => {
    const asked = await run('read -p "name? " x; echo hi $x', QUIET);
    expect(asked).toMatchObject({ status: 'no_change_timeout', output: 'name? ' });
    const answered = await run('Bob', { isInput: true });
    expect(answered).toMatchObject({ status: 'completed', exitCode: 0, output: 'Bob\nhi Bob\n' });
  });

  it('presses Enter for an empty isInput and sends C-d as end of input', async () => {
    await run('read -p "press enter " x; echo "got [$x]"; cat', QUIET);
    expect((await run('', { isInput: true, ...QUIET })).output).toBe('\ngot []\n');
    expect(await run('C-d')).toMatchObject({ status: 'completed', exitCode: 0 });
  });
});

describe('run-command: busy and nothing running', () => {
  it('refuses a new command while one runs, and runs nothing', async () => {
    expect((await run(WAIT_FOR_GO, QUIET)).status).toBe('no_change_timeout');
    const refused = await run('touch ran.txt');
    expect(refused).toMatchObject({ status: 'busy', exitCode: -1, timedOut: false });
    expect(refused.output).toContain('still running');
    await go();
    expect(await run('', { noChangeTimeoutSec: 30 })).toMatchObject({ status: 'completed', exitCode: 0 });
    expect((await run('ls')).output).toBe('go\n');
  });

  it('refuses a second call while one waits in the same session', async () => {
    const waiting = run(`echo > started.txt; ${WAIT_FOR_GO}; echo finished`);
    await waitForFile(path.join(shell.workspace, 'started.txt'));
    expect((await run('echo other')).status).toBe('busy');
    expect((await run('')).status).toBe('busy');
    await go();
    expect(await waiting).toMatchObject({ status: 'completed', output: 'finished\n' });
  });

  it('answers no_running_command to continuing calls when nothing runs', async () => {
    for (const call of [
      run(''),
      run('x', { isInput: true }),
      run('C-c'),
      run('', { session: 'never-used' }),
    ]) {
      const observation = await call;
      expect(observation).toMatchObject({ status: 'no_running_command', exitCode: -1 });
      expect(observation.output).toContain('No command is running');
    }
  });
});

describe('run-command: hard timeout and interrupts', () => {
  it('interrupts at the hard timeout and keeps the session usable', async () => {
    await mkdir(path.join(shell.workspace, 'sub'));
    await run('cd sub');
    const observation = await run('echo started; sleep 100', { timeoutSec: 0.3 });
    expect(observation).toMatchObject({ status: 'hard_timeout', exitCode: -1, timedOut: true });
    expect(observation.output.startsWith('started\n')).toBe(true);
    expect(await run('echo ok; pwd')).toMatchObject({
      exitCode: 0,
      output: `ok\n${path.join(shell.workspace, 'sub')}\n`,
    });
  });

  it('kills the foreground process group when C-c is ignored', async () => {
    const observation = await run("(trap '' INT; echo $BASHPID > pid; sleep 100)", { timeoutSec: 0.3 });
    expect(observation.status).toBe('hard_timeout');
    const pid = Number(await waitForFile(path.join(shell.workspace, 'pid')));
    expect(await waitForExit(pid)).toBe(true);
    expect((await run('echo ok')).output).toBe('ok\n');
  });

  it('ends the whole session when the shell itself ignores C-c, and starts afresh', async () => {
    await mkdir(path.join(shell.workspace, 'sub'));
    await run('cd sub');
    const observation = await run("trap '' INT; while :; do :; done", { timeoutSec: 0.3 });
    expect(observation.status).toBe('hard_timeout');
    expect(await run('pwd')).toMatchObject({ exitCode: 0, output: `${shell.workspace}\n` });
  });

  it('interrupts only the foreground command: background jobs and the directory stay', async () => {
    await mkdir(path.join(shell.workspace, 'sub'));
    const background = await run('cd sub; sleep 100 > /dev/null & echo $!');
    const backgroundPid = Number(background.output.trim().split('\n').at(-1));
    const running = run("sh -c 'echo $$ > fg.pid; exec sleep 100'");
    const foregroundPid = Number(await waitForFile(path.join(shell.workspace, 'sub', 'fg.pid')));
    expect(await interrupt({}, shell.ctx)).toEqual({ interrupted: true });
    expect(await running).toMatchObject({ status: 'interrupted', exitCode: -1, timedOut: false });
    expect(await waitForExit(foregroundPid)).toBe(true);
    expect(isProcessAlive(backgroundPid)).toBe(true);
    expect(await run('echo ok; pwd')).toMatchObject({ output: `ok\n${path.join(shell.workspace, 'sub')}\n` });
    expect(await interrupt({ session: 'default' }, shell.ctx)).toEqual({ interrupted: false });
  });

  it('interrupts a command whose caller aborted', async () => {
    const controller = new AbortController();
    shell.ctx.signal = controller.signal;
    const running = run('echo $$ > shell.pid; sleep 100');
    await waitForFile(path.join(shell.workspace, 'shell.pid'));
    controller.abort();
    expect(await running).toMatchObject({ status: 'interrupted', exitCode: -1 });
    delete shell.ctx.signal;
    expect((await run('echo ok')).output).toBe('ok\n');
  });

  it('interrupts a command left running after a soft timeout; the next empty call reports it', async () => {
    expect((await run('sleep 100', QUIET)).status).toBe('no_change_timeout');
    expect(await interrupt({}, shell.ctx)).toEqual({ interrupted: true });
    expect(await run('')).toMatchObject({ status: 'completed', exitCode: 130 });
  });
});
