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
/** One service of a sandbox, running as a child process: readiness, logs and shutdown. */
export declare class ServiceProcess {
  readonly name: ServiceName;
  readonly pid: number | undefined;
  /** Resolves once the process has exited; never rejects. */
  readonly exited: Promise<ExitStatus>;
  private readonly child;
  private readonly firstLine;
  private readonly stderrClosed;
  private readonly tail;
  private constructor();
  /** Spawns `node <entry>`; see {@link waitForReady} for when it can serve. */
  static spawn(options: ServiceProcessOptions): ServiceProcess;
  /** Whether the process is still running. */
  get isRunning(): boolean;
  /**
   * Resolves with the port from the service's ready line. Rejects with `sandbox_start_failed` when the
   * service exits first (with its stderr tail), prints something else, or `signal` aborts
   * (`signal.reason` is rethrown unless it is the start timeout of `timeoutMs`).
   */
  waitForReady(signal: AbortSignal, timeoutMs: number): Promise<number>;
  /** An error describing an exit, with the last stderr lines. */
  exitError(status: ExitStatus, when: string): Promise<RuntimeApiError>;
  /**
   * Stops the process: SIGTERM, then SIGKILL after `graceMs` if it is still alive; resolves once it
   * has exited. Whatever else is left in its process group is killed too. Never rejects.
   */
  stop(graceMs: number): Promise<void>;
  /** Freezes the process and its group (SIGSTOP); {@link resume} undoes it. */
  pause(): void;
  /** Lets a paused process and its group run again (SIGCONT). */
  resume(): void;
  /** Kills the process (and its group) at once, synchronously; for runtime-api's own `exit`. */
  kill(): void;
  private send;
  private parseReadyLine;
  private abortError;
  /** Resolves with the first stdout line (the ready line); later lines go to the log. */
  private readStdout;
  /** Forwards stderr to the log, line by line, and keeps the last lines for error messages. */
  private readStderr;
}
