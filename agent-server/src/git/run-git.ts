import { gitProcessEnv } from '@handoff/protocol';
import { spawn } from 'node:child_process';
import os from 'node:os';

/** How one git process runs. */
export interface RunGitOptions {
  cwd: string;
  /** Variables added to {@link gitEnv}'s (the credential helper's, for the one call that needs them). */
  env?: Record<string, string>;
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
  /** Killed when this aborts (the client went away). */
  signal?: AbortSignal | undefined;
}

/** How git ended; a non-zero exit is data. */
export interface GitResult {
  /** The exit code; -1 when it was killed or could not start. */
  exitCode: number;
  /** Stdout (at most 1 MiB: these calls print refs, not content). */
  stdout: string;
  /** The end of stderr (at most 64 KiB). */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
}

const MAX_STDOUT_BYTES = 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

/**
 * The whole environment of the agent server's git, built from scratch: a writable HOME of its
 * own, no system or global config, no prompts, C locale (git's messages are matched in English).
 */
export function gitEnv(home: string): Record<string, string> {
  return { ...gitProcessEnv(process.env, home), TMPDIR: os.tmpdir() };
}

/** Runs `git <args>` without a shell, with {@link gitEnv} rooted at `cwd`; resolves once it exited. */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...gitEnv(options.cwd), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const state = { timedOut: false, aborted: false, stdout: '', stderr: '' };
    const timer = setTimeout(() => {
      state.timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = (): void => {
      state.aborted = true;
      child.kill('SIGKILL');
    };
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (state.stdout.length < MAX_STDOUT_BYTES) state.stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      state.stderr = (state.stderr + chunk).slice(-MAX_STDERR_BYTES);
    });
    child.on('error', (error) => {
      state.stderr += `git: ${error.message}\n`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode: code ?? -1,
        stdout: state.stdout,
        stderr: state.stderr,
        timedOut: state.timedOut,
        aborted: state.aborted,
      });
    });
  });
}
