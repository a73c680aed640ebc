import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxError } from '../errors';
import { MAX_OUTPUT_CHARS, TRUNCATION_MARKER } from '../shell/output';
import { createShellFixture } from '../testing/shell-fixture';
import type { ShellFixture } from '../testing/shell-fixture';

let shell: ShellFixture;
const run: ShellFixture['run'] = (command, extra) => shell.run(command, extra);

beforeEach(async () => {
  shell = await createShellFixture();
});

afterEach(async () => {
  await shell.dispose();
});

async function refusal(promise: Promise<unknown>): Promise<SandboxError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe('run-command: results', () => {
  it('reports output, exit code 0, the session and its directory', async () => {
    expect(await run('echo hello')).toEqual({
      type: 'run_command',
      command: 'echo hello',
      session: 'default',
      status: 'completed',
      exitCode: 0,
      output: 'hello\n',
      timedOut: false,
      cwd: shell.workspace,
    });
  });

  it.each([
    ['false', 1],
    ['(exit 3)', 3],
    ['sh -c "kill -TERM \\$\\$"', 128 + 15],
    ['sh -c "kill -KILL \\$\\$"', 128 + 9],
    ['no-such-command-here', 127],
  ])('reports the exit status of %s as %i', async (command, exitCode) => {
    expect(await run(command)).toMatchObject({ status: 'completed', exitCode, timedOut: false });
  });

  it('keeps $? of the previous command, as a terminal does', async () => {
    await run('(exit 7)');
    expect((await run('echo $?')).output).toBe('7\n');
  });

  it('captures stderr, interleaved with stdout in order', async () => {
    expect((await run('echo one; echo two >&2; echo three')).output).toBe('one\ntwo\nthree\n');
  });

  it('runs a multi-line command with a here-document as one command', async () => {
    const observation = await run(
      "cat > notes.txt <<'EOF'\nline one\n$HOME stays literal\nEOF\ncat notes.txt\necho done",
    );
    expect(observation).toMatchObject({ exitCode: 0, output: 'line one\n$HOME stays literal\ndone\n' });
  });

  it('runs a command longer than a terminal line', async () => {
    const word = 'x'.repeat(20_000);
    expect((await run(`echo ${word} | wc -c`)).output).toBe(`${word.length + 1}\n`);
  });

  it('reports a syntax error instead of waiting for more input', async () => {
    const observation = await run('echo "unterminated');
    expect(observation.status).toBe('completed');
    expect(observation.exitCode).toBe(2);
    expect(observation.output).toContain('unexpected EOF');
  });

  it('still runs commands after one left the terminal in raw mode without echo', async () => {
    await run('stty raw -echo');
    expect(await run('echo still works')).toMatchObject({ exitCode: 0, output: 'still works\n' });
  });

  it('reports `exit` as the exit status and starts a fresh shell next time', async () => {
    await mkdir(path.join(shell.workspace, 'sub'));
    await run('cd sub');
    expect(await run('exit 4')).toMatchObject({ status: 'completed', exitCode: 4 });
    expect(await run('pwd')).toMatchObject({ exitCode: 0, output: `${shell.workspace}\n` });
  });
});

describe('run-command: the session persists', () => {
  it('keeps the directory, exported and plain variables, functions and aliases', async () => {
    await mkdir(path.join(shell.workspace, 'sub'));
    await run('cd sub && export GREETING=hi && plain=kept');
    await run('greet() { echo "$GREETING, $1"; }');
    await run("alias say='echo said'");
    const observation = await run('pwd; greet you; echo $plain; say it');
    expect(observation.output).toBe(`${path.join(shell.workspace, 'sub')}\nhi, you\nkept\nsaid it\n`);
    expect(observation.cwd).toBe(path.join(shell.workspace, 'sub'));
    expect((await run('sh -c "echo \\$GREETING"')).output).toBe('hi\n');
  });

  it('answers a fast command without delay, many times in a row', async () => {
    for (let i = 0; i < 50; i += 1) {
      expect(await run(`echo ${i}`)).toMatchObject({ status: 'completed', exitCode: 0, output: `${i}\n` });
    }
  });

  it('keeps background jobs running after their command returned', async () => {
    const observation = await run('sleep 30 > /dev/null & echo $!');
    const pid = Number(observation.output.split('\n').find((line) => /^\d+$/.test(line)));
    expect(observation.status).toBe('completed');
    expect((await run(`kill -0 ${pid} && echo alive`)).output).toBe('alive\n');
  });
});

describe('run-command: output', () => {
  it('strips colours and terminal titles', async () => {
    await writeFile(path.join(shell.workspace, 'a.txt'), 'a');
    expect((await run(String.raw`printf '\e[31mred\e[0m \e]0;title\a plain\n'`)).output).toBe('red  plain\n');
    expect((await run('ls --color=always')).output).toBe('a.txt\n');
  });

  it('shows progress drawn with carriage returns in its final state', async () => {
    expect((await run(String.raw`printf '10%%\r50%%\r100%%\n'`)).output).toBe('100%\n');
  });

  it('keeps multi-byte characters whole', async () => {
    expect((await run('printf "héllo ✓ 🎉\\n"')).output).toBe('héllo ✓ 🎉\n');
  });

  it('cuts the middle of huge output, keeping both ends and the marker', async () => {
    const observation = await run('seq 1 2000000');
    expect(observation.exitCode).toBe(0);
    expect(observation.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(observation.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(observation.output.endsWith('1999999\n2000000\n')).toBe(true);
    expect(observation.output).toContain(TRUNCATION_MARKER);
  });

  it('survives binary garbage and shows no control characters', async () => {
    const observation = await run('head -c 300000 /dev/urandom; echo; echo END');
    expect(observation).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(observation.output.endsWith('END\n')).toBe(true);
    expect(observation.output).not.toMatch(new RegExp(String.raw`[\u0000-\u0008\u000b-\u001f\u007f]`));
    expect((await run('echo still fine')).output).toBe('still fine\n');
  });

  it('runs with the agent terminal settings: no pagers, a dumb terminal, wide lines', async () => {
    expect((await run('echo $TERM $PAGER $GIT_PAGER; tput cols 2>/dev/null || stty size')).output).toMatch(
      /^dumb cat cat\n(1000|\d+ 1000)\n$/,
    );
  });
});

describe('run-command: working directory', () => {
  it('changes to action.cwd inside the workspace first, and stays there', async () => {
    await mkdir(path.join(shell.workspace, 'sub', 'dir'), { recursive: true });
    const observation = await run('pwd', { cwd: 'sub/dir' });
    expect(observation.output).toBe(`${path.join(shell.workspace, 'sub', 'dir')}\n`);
    expect(observation.cwd).toBe(path.join(shell.workspace, 'sub', 'dir'));
    expect((await run('pwd')).cwd).toBe(path.join(shell.workspace, 'sub', 'dir'));
  });

  it('accepts an absolute path inside the workspace', async () => {
    await mkdir(path.join(shell.workspace, 'abs'));
    expect((await run('pwd', { cwd: path.join(shell.workspace, 'abs') })).cwd).toBe(
      path.join(shell.workspace, 'abs'),
    );
  });

  it('refuses ../, absolute paths outside and symlinks leading out', async () => {
    await symlink('/etc', path.join(shell.workspace, 'escape'));
    const up = await refusal(run('pwd', { cwd: '../' }));
    expect(up.code).toBe('invalid_request');
    expect(up.message).toContain('outside the workspace');
    expect((await refusal(run('pwd', { cwd: '/etc' }))).message).toContain('"/etc"');
    expect((await refusal(run('pwd', { cwd: 'escape' }))).message).toContain('through a symlink');
  });

  it('refuses a missing directory and a file', async () => {
    await writeFile(path.join(shell.workspace, 'file.txt'), 'x');
    expect((await refusal(run('pwd', { cwd: 'missing' }))).message).toContain('does not exist');
    expect((await refusal(run('pwd', { cwd: 'file.txt' }))).message).toContain('not a directory');
  });

  it('reports a directory with odd characters exactly', async () => {
    const odd = path.join(shell.workspace, 'odd %41 dir\nline');
    await mkdir(odd);
    expect((await run(`cd ${JSON.stringify('odd %41 dir')}$'\\n'line`)).cwd).toBe(odd);
  });
});

describe('run-command: environment', () => {
  it('never shows HANDOFF_* variables, the session key above all', async () => {
    await shell.dispose();
    shell = await createShellFixture({
      env: {
        ...process.env,
        HANDOFF_SESSION_API_KEY: 'secret-session-key-0123456789',
        VISIBLE_VAR: 'visible',
      },
    });
    const observation = await run('env');
    expect(observation.output).toContain('VISIBLE_VAR=visible');
    expect(observation.output).not.toContain('secret-session-key');
    expect(observation.output).not.toContain('HANDOFF_');
  });
});
