import type { RunCommandAction, RunCommandObservation } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { fakeRunCommandObservation } from '../../testing/fake-sandbox-client';
import { isControlKey, runCommandToolOutput } from './tool-output';

const TEMPLATE =
  'You may wait longer to see additional output by sending empty command \'\', send other commands to interact with the current process, send keys ("C-c", "C-z", "C-d") to interrupt/kill the previous command before sending your new command, or use the timeout parameter in execute_bash for future commands.';

const run = (command: string, extra: Partial<RunCommandAction> = {}): RunCommandAction => ({
  type: 'run_command',
  command,
  ...extra,
});
const still = (action: RunCommandAction, overrides: Partial<RunCommandObservation>) =>
  fakeRunCommandObservation(action, { exitCode: -1, cwd: '/w', ...overrides });

describe('runCommandToolOutput', () => {
  it('completed: output, OpenHands suffix, working directory and exit code', () => {
    const action = run('ls');
    expect(
      runCommandToolOutput(action, fakeRunCommandObservation(action, { output: 'a\nb\n\n', cwd: '/w' })),
    ).toBe(
      'a\nb\n[The command completed with exit code 0.]\n[Current working directory: /w]\n[Command finished with exit code 0]',
    );
  });

  it('completed with no output still starts the suffix on its own line, and keeps a failing exit code', () => {
    const action = run('false');
    expect(runCommandToolOutput(action, fakeRunCommandObservation(action, { exitCode: 1, cwd: '/w' }))).toBe(
      '\n[The command completed with exit code 1.]\n[Current working directory: /w]\n[Command finished with exit code 1]',
    );
  });

  it('completed after a control key says which key was sent', () => {
    const action = run('C-c', { isInput: true });
    const observation = fakeRunCommandObservation(action, { output: '^C', exitCode: 130, cwd: '/w' });
    expect(runCommandToolOutput(action, observation)).toBe(
      '^C\n[The command completed with exit code 130. CTRL+C was sent.]\n[Current working directory: /w]\n[Command finished with exit code 130]',
    );
    expect(
      runCommandToolOutput(run(' C-d '), fakeRunCommandObservation(run('C-d'), { cwd: '/w' })),
    ).toContain('[The command completed with exit code 0. CTRL+D was sent.]');
  });

  it('no_change_timeout on a fresh command: no prefix, the soft timeout note, no exit code', () => {
    const action = run('npm install');
    const observation = still(action, { status: 'no_change_timeout', output: 'fetching\n', timedOut: true });
    expect(runCommandToolOutput(action, observation)).toBe(
      `fetching\n[The command has no new output after 30 seconds. ${TEMPLATE}]\n[Current working directory: /w]`,
    );
  });

  it('no_change_timeout names the soft timeout the action asked for', () => {
    const action = run('make', { noChangeTimeoutSec: 5 });
    const observation = still(action, { status: 'no_change_timeout', timedOut: true });
    expect(runCommandToolOutput(action, observation)).toContain(
      '[The command has no new output after 5 seconds.',
    );
  });

  it('an empty command or input to the running command is marked as the previous command’s output', () => {
    for (const action of [run(''), run('yes', { isInput: true }), run('C-z')]) {
      const observation = still(action, { status: 'no_change_timeout', output: 'more\n', timedOut: true });
      expect(runCommandToolOutput(action, observation)).toMatch(
        /^\[Below is the output of the previous command\.\]\nmore\n\[The command has no new output after 30 seconds\./,
      );
    }
  });

  it('a continuation that completes carries no prefix, as in OpenHands', () => {
    const action = run('');
    const observation = fakeRunCommandObservation(action, { output: 'done\n', cwd: '/w' });
    expect(runCommandToolOutput(action, observation)).toBe(
      'done\n[The command completed with exit code 0.]\n[Current working directory: /w]\n[Command finished with exit code 0]',
    );
  });

  it('hard_timeout says how long and that the command was interrupted', () => {
    const action = run('sleep 100', { timeoutSec: 5 });
    const observation = still(action, { status: 'hard_timeout', output: 'zzz', timedOut: true });
    expect(runCommandToolOutput(action, observation)).toBe(
      'zzz\n[The command timed out after 5 seconds and was interrupted (CTRL+C was sent). ' +
        'If it needs longer, run it again with a larger "timeout" parameter, or run it in the background with its output redirected to a file.]' +
        '\n[Current working directory: /w]',
    );
  });

  it('interrupted gets a line of its own', () => {
    const action = run('sleep 100');
    const observation = still(action, { status: 'interrupted', output: '^C' });
    expect(runCommandToolOutput(action, observation)).toBe(
      '^C\n[The command was interrupted (CTRL+C was sent) before it completed.]\n[Current working directory: /w]',
    );
  });

  it('busy: OpenHands’ refusal word for word, instead of the sandbox’s own explanation', () => {
    const action = run(' ls ');
    const observation = still(action, { status: 'busy', output: 'The command "ls" was not executed.' });
    expect(runCommandToolOutput(action, observation)).toBe(
      '[Your command "ls" is NOT executed. The previous command is still running - You CANNOT send new commands until the previous command is completed. ' +
        `By setting \`is_input\` to \`true\`, you can interact with the current process: ${TEMPLATE}]` +
        '\n[Current working directory: /w]',
    );
  });

  it('no_running_command: OpenHands’ two errors, nothing else', () => {
    const empty = run('');
    const explained = still(empty, { status: 'no_running_command', output: 'No command is running.' });
    expect(runCommandToolOutput(empty, explained)).toBe(
      'ERROR: No previous running command to retrieve logs from.',
    );
    const input = run('y', { isInput: true });
    expect(runCommandToolOutput(input, still(input, { status: 'no_running_command' }))).toBe(
      'ERROR: No previous running command to interact with.',
    );
    const key = run('C-c', { isInput: true });
    expect(runCommandToolOutput(key, still(key, { status: 'no_running_command' }))).toBe(
      'ERROR: No previous running command to interact with.',
    );
  });

  it('knows control keys the way OpenHands does', () => {
    expect(['C-c', ' C-d', 'C-z ', 'C-l'].map(isControlKey)).toEqual([true, true, true, true]);
    expect(['C-', 'C-cc', 'c-c', 'echo C-c', ''].map(isControlKey)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
