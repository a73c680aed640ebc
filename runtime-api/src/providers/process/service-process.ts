import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { ReadyLineSchema } from '@handoff/protocol';
import { RuntimeApiError } from '../../errors';
import type { Logger } from '../../log';

/** The two services of a sandbox. */
export type ServiceName = 'action-server' | 'agent-server';

/** How a service process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  spawnError?: Error;
}

/** What {@link ServiceProcess.spawn} needs. */
export interface ServiceProcessOptions {
  name: ServiceName;
  sandboxId: string;
  /** The bundled service, run as `node <entry>`. */
  entry: string;
  /** The complete environment of the child; nothing is inherited beyond it. */
  env: Record<string, string>;
  cwd: string;
  logger: Logger;
}

const TAIL_LINES = 20;
const MAX_TAIL_LINE = 2000;
/** How long to wait, after an exit, for the last stderr lines to arrive. */
const STDERR_DRAIN_MS = 1000;
// On POSIX each service leads its own process group, so a signal reaches the shells it started too.
const USE_PROCESS_GROUP = process.platform !== 'win32';

/** One service of a sandbox, running as a child process: readiness, logs and shutdown. */
export class ServiceProcess {
  readonly name: ServiceName;
  readonly pid: number | undefined;
  /** Resolves once the process has exited; never rejects. */
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly firstLine: Promise<string | undefined>;
  private readonly stderrClosed: Promise<void>;
  private readonly tail: string[] = [];

  private constructor(options: ServiceProcessOptions) {
    this.name = options.name;
    this.child = spawn(process.execPath, [options.entry], {
      cwd: options.cwd,
      env: options.env,
      // stdin stays open and unused: when runtime-api dies, even by SIGKILL, the service reads
      // its end and shuts down (HANDOFF_EXIT_WITH_LAUNCHER), so no sandbox is orphaned.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: USE_PROCESS_GROUP,
      windowsHide: true,
    });
    this.pid = this.child.pid;
    const log = { sandboxId: options.sandboxId, service: options.name };
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
      this.child.on('error', (error) => {
        if (this.child.pid === undefined) resolve({ code: null, signal: null, spawnError: error });
        else options.logger.warn('sandbox service process error', { ...log, error: error.message });
      });
    });
    this.firstLine = this.readStdout(options.logger, log);
    this.stderrClosed = this.readStderr(options.logger, log);
  }

  /** Spawns `node <entry>`; see {@link waitForReady} for when it can serve. */
  static spawn(options: ServiceProcessOptions): ServiceProcess {
    return new ServiceProcess(options);
  }

  /** Whether the process is still running. */
  get isRunning(): boolean {
    return this.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves with the port from the service's ready line. Rejects with `sandbox_start_failed` when the
   * service exits first (with its stderr tail), prints something else, or `signal` aborts
   * (`signal.reason` is rethrown unless it is the start timeout of `timeoutMs`).
   */
  waitForReady(signal: AbortSignal, timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => number | Promise<number>): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const onAbort = (): void => {
        settle(() => {
          throw this.abortError(signal.reason, timeoutMs);
        });
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      void this.firstLine.then((line) => {
        // `undefined`: stdout closed without a line; the exit below explains why.
        if (line !== undefined) settle(() => this.parseReadyLine(line));
      });
      void this.exited.then((status) => {
        settle(async () => {
          throw await this.exitError(status, 'before it was ready');
        });
      });
    });
  }

  /** An error describing an exit, with the last stderr lines. */
  async exitError(status: ExitStatus, when: string): Promise<RuntimeApiError> {
    await Promise.race([this.stderrClosed, delay(STDERR_DRAIN_MS)]);
    const tail = [...this.tail];
    const how = status.spawnError
      ? `could not be started (${status.spawnError.message})`
      : `exited (${status.signal ? `signal ${status.signal}` : `exit code ${String(status.code)}`})`;
    const last = tail.slice(-5).join('\n');
    return new RuntimeApiError(
      'sandbox_start_failed',
      `The sandbox's ${this.name} ${how} ${when}.${last ? `\n${last}` : ''}`,
      {
        details: { service: this.name, exitCode: status.code, signal: status.signal, stderrTail: tail },
      },
    );
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after `graceMs` if it is still alive; resolves once it
   * has exited. Whatever else is left in its process group is killed too. Never rejects.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.isRunning) {
      this.send('SIGTERM');
      // A paused (SIGSTOPped) service only sees SIGTERM once it runs again.
      this.send('SIGCONT');
      const timer = setTimeout(() => {
        this.send('SIGKILL');
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
    this.send('SIGKILL');
  }

  /** Freezes the process and its group (SIGSTOP); {@link resume} undoes it. */
  pause(): void {
    this.send('SIGSTOP');
  }

  /** Lets a paused process and its group run again (SIGCONT). */
  resume(): void {
    this.send('SIGCONT');
  }

  /** Kills the process (and its group) at once, synchronously; for runtime-api's own `exit`. */
  kill(): void {
    this.send('SIGKILL');
  }

  private send(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      if (USE_PROCESS_GROUP) process.kill(-this.pid, signal);
      else if (this.isRunning) this.child.kill(signal);
    } catch {
      // ESRCH: the process (group) is already gone.
    }
  }

  private parseReadyLine(line: string): number {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    const ready = ReadyLineSchema.safeParse(value);
    if (ready.success) return ready.data.port;
    throw new RuntimeApiError(
      'sandbox_start_failed',
      `The sandbox's ${this.name} printed ${JSON.stringify(line.slice(0, 200))} where its ready line {"type":"ready","port":<n>} was expected.`,
      { details: { service: this.name } },
    );
  }

  private abortError(reason: unknown, timeoutMs: number): Error {
    if (reason instanceof DOMException && reason.name === 'TimeoutError') {
      return new RuntimeApiError(
        'sandbox_start_failed',
        `The sandbox did not start within ${timeoutMs} ms: its ${this.name} never printed its ready line.`,
        { details: { service: this.name, timeoutMs } },
      );
    }
    return reason instanceof Error ? reason : new Error(String(reason));
  }

  /** Resolves with the first stdout line (the ready line); later lines go to the log. */
  private readStdout(logger: Logger, log: Record<string, string>): Promise<string | undefined> {
    return new Promise((resolve) => {
      let first = true;
      const lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (first) resolve(line);
        else logger.info('sandbox output', { ...log, stream: 'stdout', line });
        first = false;
      });
      lines.once('close', () => {
        resolve(undefined);
      });
    });
  }

  /** Forwards stderr to the log, line by line, and keeps the last lines for error messages. */
  private readStderr(logger: Logger, log: Record<string, string>): Promise<void> {
    return new Promise((resolve) => {
      const lines = createInterface({ input: this.child.stderr, crlfDelay: Infinity });
      lines.on('line', (line) => {
        this.tail.push(line.length > MAX_TAIL_LINE ? `${line.slice(0, MAX_TAIL_LINE)}…` : line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        logger.info('sandbox output', { ...log, stream: 'stderr', line });
      });
      lines.once('close', resolve);
    });
  }
}
