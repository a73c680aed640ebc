import type { RunCommandStatus } from '@handoff/protocol';

/** When a call into a session returns while its command is still running. */
export interface CallLimits {
  /** Return after this many milliseconds without new output; the command keeps running. */
  noChangeMs: number;
  /** Interrupt the command after this many milliseconds; no limit when undefined. */
  hardMs?: number;
  /** Interrupt the command when this aborts (the HTTP client went away). */
  signal?: AbortSignal;
}

/** What one call into a session produced. */
export interface SessionResult {
  status: RunCommandStatus;
  /** The exit status when `completed`; -1 otherwise. */
  exitCode: number;
  /** The terminal's text since the previous call returned, cleaned and capped. */
  output: string;
  /** The shell's working directory. */
  cwd: string;
}

/** What a pending call needs from its session. */
export interface CallHost {
  /** Stops the running command (C-c, then harder); resolves once it has stopped. Never rejects. */
  stop(): Promise<void>;
  /** Collects the output for a call that ends now and frees the session for the next call. */
  collect(call: PendingCall, status: RunCommandStatus, exitCode: number): SessionResult;
}

/**
 * One call waiting on a session's running command. It returns when the command ends, after
 * `noChangeMs` without output (the command keeps running), or, after `hardMs` or an abort,
 * once the command has been interrupted. Output is collected the moment the call ends, so what
 * arrives after the prompt marker belongs to the next call.
 */
export class PendingCall {
  /** Settles once the call has ended; never rejects. */
  readonly result: Promise<SessionResult>;
  readonly #host: CallHost;
  readonly #limits: CallLimits;
  #resolve: (result: SessionResult) => void = () => undefined;
  #state: 'waiting' | 'stopping' | 'settled' = 'waiting';
  #noChange: NodeJS.Timeout | undefined;
  #hard: NodeJS.Timeout | undefined;
  readonly #onAbort = (): void => {
    void this.stop('interrupted');
  };

  constructor(host: CallHost, limits: CallLimits) {
    this.#host = host;
    this.#limits = limits;
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.touch();
    if (limits.hardMs !== undefined) {
      this.#hard = setTimeout(() => void this.stop('hard_timeout'), limits.hardMs);
    }
    if (limits.signal?.aborted === true) queueMicrotask(this.#onAbort);
    else limits.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** New output arrived: the quiet period starts again. */
  touch(): void {
    if (this.#state !== 'waiting') return;
    clearTimeout(this.#noChange);
    this.#noChange = setTimeout(() => {
      this.#settle('no_change_timeout', -1);
    }, this.#limits.noChangeMs);
  }

  /** The command ended with `exitCode` (its prompt marker arrived, or the shell exited). */
  ended(exitCode: number): void {
    // While stopping, the end is the interrupt's doing; `stop` reports it.
    if (this.#state === 'waiting') this.#settle('completed', exitCode);
  }

  /** Interrupts the command and ends the call with `status` once it has stopped. */
  stop(status: 'hard_timeout' | 'interrupted'): Promise<SessionResult> {
    if (this.#state !== 'waiting') return this.result;
    this.#state = 'stopping';
    this.#clearTimers();
    void this.#host.stop().then(() => {
      this.#settle(status, -1);
    });
    return this.result;
  }

  /** Abandons the call without a result (its command could not be started). */
  cancel(): void {
    this.#state = 'settled';
    this.#clearTimers();
    this.#limits.signal?.removeEventListener('abort', this.#onAbort);
  }

  #settle(status: RunCommandStatus, exitCode: number): void {
    if (this.#state === 'settled') return;
    this.#state = 'settled';
    this.#clearTimers();
    this.#limits.signal?.removeEventListener('abort', this.#onAbort);
    this.#resolve(this.#host.collect(this, status, exitCode));
  }

  #clearTimers(): void {
    clearTimeout(this.#noChange);
    clearTimeout(this.#hard);
  }
}
