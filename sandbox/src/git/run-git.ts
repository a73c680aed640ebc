import { spawn } from 'node:child_process';
import type { CommandUser } from '../actions/action-context';

/** What one git (or helper) process gets. */
export interface RunProcessOptions {
  cwd: string;
  /** The whole environment of the child: nothing is inherited. */
  env: Record<string, string>;
  /** Killed (SIGKILL) after this long; the result then has `timedOut`. */
  timeoutMs: number;
  /** Killed when this aborts (the HTTP client went away); the result then has `aborted`. */
  signal?: AbortSignal | undefined;
  /** Run as this user (the server must be root); the server's own user when undefined. */
  user?: CommandUser | undefined;
  /** Most stdout bytes kept; the rest is read and dropped, and `stdoutTruncated` set. */
  maxStdoutBytes?: number;
}

/** How a process ended. A non-zero exit is data, not an exception. */
export interface ProcessResult {
  /** The exit code; -1 when it was killed or could not start. */
  exitCode: number;
  stdout: Buffer;
  /** Whether stdout went past `maxStdoutBytes` and was cut there. */
  stdoutTruncated: boolean;
  /** The end of stderr (at most {@link MAX_STDERR_BYTES}), as text. */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
}

/** Stderr kept per process: git's last lines are what errors quote. */
export const MAX_STDERR_BYTES = 64 * 1024;
const DEFAULT_MAX_STDOUT_BYTES = 16 * 1024 * 1024;

/** Runs `command args` without a shell; resolves when it has exited (or failed to start). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES;
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
    });
    const out = new CappedBuffer(maxStdout, 'head');
    const err = new CappedBuffer(MAX_STDERR_BYTES, 'tail');
    const state = { timedOut: false, aborted: false, startError: undefined as Error | undefined };
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      state.timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = (): void => {
      state.aborted = true;
      kill();
    };
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
    });
    child.on('error', (error) => {
      state.startError = error;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const stderr =
        err.text() + (state.startError === undefined ? '' : `${command}: ${state.startError.message}\n`);
      resolve({
        exitCode: code ?? -1,
        stdout: out.bytes(),
        stdoutTruncated: out.truncated,
        stderr,
        timedOut: state.timedOut,
        aborted: state.aborted,
      });
    });
  });
}

/** Keeps the first (`head`) or last (`tail`) `max` bytes of a stream. */
class CappedBuffer {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;

  constructor(
    private readonly max: number,
    private readonly keep: 'head' | 'tail',
  ) {}

  push(chunk: Buffer): void {
    if (this.keep === 'head') {
      const room = this.max - this.#size;
      if (chunk.length > room) this.truncated = true;
      if (room <= 0) return;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.#chunks.push(kept);
      this.#size += kept.length;
      return;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.max && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()?.length ?? 0;
      this.truncated = true;
    }
  }

  bytes(): Buffer {
    const all = Buffer.concat(this.#chunks);
    return this.keep === 'tail' && all.length > this.max ? all.subarray(all.length - this.max) : all;
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}
