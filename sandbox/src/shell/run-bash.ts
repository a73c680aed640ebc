import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { SandboxError } from '../errors';
import { BoundedOutput } from './output';
import type { ProcessGroups } from './process-groups';

/**
 * How long to wait for output pipes to close once bash has exited. A background job that kept
 * stdout open (`sleep 100 &`) must not hold the command's result hostage.
 */
const PIPE_DRAIN_GRACE_MS = 200;

/** What `runBash` needs. */
export interface RunBashOptions {
  /** Passed to `bash -c`. */
  command: string;
  /** Absolute directory to run in. */
  cwd: string;
  /** The command's whole environment. */
  env: NodeJS.ProcessEnv;
  /** Hard limit; the process group is killed after it. */
  timeoutMs: number;
  /** Where the command's process group is tracked. */
  processGroups: ProcessGroups;
}

/** What a bash run produced, before it is shaped into an observation. */
export interface BashResult {
  /** Exit status, or 128 + signal number when a signal ended bash. */
  exitCode: number;
  /** stdout and stderr interleaved in arrival order. */
  output: BoundedOutput;
  /** True when the hard timeout killed the process group. */
  timedOut: boolean;
}

type BashProcess = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Runs `command` with a non-interactive bash in its own process group, stdin at EOF. Resolves
 * when bash has exited and its pipes are drained; rejects only when bash cannot be started.
 */
export function runBash(options: RunBashOptions): Promise<BashResult> {
  // detached: bash leads a new process group, so the timeout and shutdown reach its children.
  const child = spawn('bash', ['--noprofile', '--norc', '-c', options.command], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput([child.stdout, child.stderr]);
  const pgid = child.pid;
  if (pgid === undefined) return waitForSpawnError(child);
  options.processGroups.add(pgid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    options.processGroups.kill(pgid);
  }, options.timeoutMs);
  return waitForEnd(child)
    .then(
      (exitCode) => ({ exitCode, output, timedOut }),
      (error: unknown) => {
        throw new SandboxError('action_failed', 'Could not run bash for the command.', { cause: error });
      },
    )
    .finally(() => {
      clearTimeout(timer);
      options.processGroups.forgetIfGone(pgid);
    });
}

/** Resolves with the exit code once bash has exited and its pipes closed (or the grace ran out). */
function waitForEnd(child: BashProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    const finish = (): void => {
      resolve(exitCodeOf(exit.code, exit.signal));
    };
    child.once('error', reject);
    let grace: NodeJS.Timeout | undefined;
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, PIPE_DRAIN_GRACE_MS);
    });
    child.once('close', (code, signal) => {
      clearTimeout(grace);
      exit = { code, signal };
      finish();
    });
  });
}

/** A spawn that got no pid failed; its 'error' event says why. */
function waitForSpawnError(child: BashProcess): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', (error) => {
      reject(new SandboxError('action_failed', 'Could not start bash for the command.', { cause: error }));
    });
  });
}

function collectOutput(streams: readonly Readable[]): BoundedOutput {
  const output = new BoundedOutput();
  for (const stream of streams) {
    // One decoder per stream, so a multi-byte character split across chunks stays whole.
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output.append(chunk);
    });
  }
  return output;
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal === null ? undefined : constants.signals[signal];
  return number === undefined ? -1 : 128 + number;
}
