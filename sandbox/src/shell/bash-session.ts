import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunCommandStatus } from '@handoff/protocol';
import { spawn } from 'node-pty';
import type { IPty } from 'node-pty';
import type { CommandUser } from '../actions/action-context';
import { SandboxError } from '../errors';
import { EchoFilter } from './echo-filter';
import { PendingCall } from './pending-call';
import type { CallHost, CallLimits, SessionResult } from './pending-call';
import { foregroundGroup, sessionGroups, signalGroup } from './process-tree';
import { LAUNCH_ECHO, LAUNCH_LINE, MarkerScanner, commandFileContent, rcScript } from './prompt-marker';
import type { PromptMarker } from './prompt-marker';
import { TerminalText } from './terminal-text';

/** Wide enough that programs which format to the terminal's width (`ps`) do not cut lines. */
const COLUMNS = 1000;
const ROWS = 200;
/** How long a new bash may take to show its first prompt. */
const START_TIMEOUT_MS = 10_000;
/** How long a command gets to stop after C-c, and again after its process group is killed. */
const STOP_GRACE_MS = 1_000;
/** How much of what a failing bash printed goes into the error. */
const STARTUP_OUTPUT_CHARS = 500;
/** How long a killed session gets to exit. */
const EXIT_GRACE_MS = 2_000;

/** What a call asks of a session. */
export type SessionInput =
  /** Run a command (only when none is running); `cwd` is changed to first. */
  | { kind: 'command'; command: string; cwd?: string }
  /** Type `text` and Enter into the running command. */
  | { kind: 'input'; text: string }
  /** Send one control character (C-c is `\x03`) to the running command, without Enter. */
  | { kind: 'key'; key: string }
  /** Wait for more output of the running command. */
  | { kind: 'wait' };

/** What `BashSession.start` needs. */
export interface BashSessionOptions {
  /** The directory bash starts in. */
  cwd: string;
  /** bash's whole environment (see `shellEnv`). */
  env: Record<string, string>;
  /** Run bash as this user (needs root); the server's own user when undefined. */
  user?: CommandUser;
  /** Called once when the shell has exited, whatever the reason. */
  onExit?: () => void;
}

type Phase = 'starting' | 'idle' | 'running' | 'dead';

/**
 * One persistent interactive bash on a pseudo-terminal, as OpenHands keeps one in tmux:
 * `cd`, variables and functions persist between commands, a command runs in the terminal's
 * foreground (so it can be answered, sent C-c or suspended), and background jobs keep running.
 * Completion is seen from the prompt marker the moment it arrives (see `prompt-marker.ts`).
 */
export class BashSession {
  readonly #pty: IPty;
  readonly #commandFile: string;
  readonly #dir: string;
  readonly #scanner: MarkerScanner;
  readonly #echo = new EchoFilter();
  readonly #text = new TerminalText();
  readonly #onExit: (() => void) | undefined;
  readonly #ready: Deferred<void> = deferred();
  readonly #exited: Deferred<void> = deferred();
  /** Resolves once the session's leftover processes are killed and its files removed. */
  readonly #cleanedUp: Deferred<void> = deferred();
  readonly #host: CallHost = {
    stop: () => this.#stopCommand(),
    collect: (call, status, exitCode) => this.#collect(call, status, exitCode),
  };
  #phase: Phase = 'starting';
  #cwd: string;
  /** Resolves when the running command ends; undefined while none runs. */
  #commandEnded: Deferred<void> | undefined;
  /** The exit status of a command that ended while no call waited on it. */
  #unread: number | undefined;
  #call: PendingCall | undefined;
  #stopping: Promise<void> | undefined;
  /** Settles once the latest command was typed into the terminal. */
  #launched: Promise<void> = Promise.resolve();
  #closing = false;
  /** Environment updates (`environmentUpdate` scripts) the shell runs before its next command. */
  #pendingEnv: string[] = [];

  private constructor(options: BashSessionOptions, dir: string, nonce: string) {
    this.#dir = dir;
    this.#commandFile = path.join(dir, 'command');
    this.#cwd = options.cwd;
    this.#onExit = options.onExit;
    this.#scanner = new MarkerScanner(nonce);
    this.#pty = spawn('bash', ['--noprofile', '--rcfile', path.join(dir, 'rc'), '--noediting', '-i'], {
      name: options.env['TERM'] ?? 'dumb',
      cols: COLUMNS,
      rows: ROWS,
      cwd: options.cwd,
      env: options.env,
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
    });
    this.#pty.onData((data) => {
      this.#onData(data);
    });
    this.#pty.onExit(({ exitCode, signal }) => {
      this.#onShellExit(signal !== undefined && signal > 0 ? 128 + signal : exitCode);
    });
  }

  /** Starts bash and resolves once its first prompt is up. */
  static async start(options: BashSessionOptions): Promise<BashSession> {
    const dir = await mkdtemp(path.join(tmpdir(), 'handoff-shell-'));
    try {
      const nonce = randomBytes(8).toString('hex');
      await writeFile(path.join(dir, 'rc'), rcScript(nonce, path.join(dir, 'command')), { mode: 0o644 });
      if (options.user !== undefined) await chown(dir, options.user.uid, options.user.gid);
      const session = new BashSession(options, dir, nonce);
      await session.#waitUntilReady();
      return session;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error instanceof SandboxError
        ? error
        : new SandboxError('action_failed', 'Could not start a bash session.', { cause: error });
    }
  }

  /** The shell's working directory as of its last prompt. */
  get cwd(): string {
    return this.#cwd;
  }

  /** False once the shell has exited. */
  get alive(): boolean {
    return this.#phase !== 'dead';
  }

  /** Runs a command or talks to the running one, and returns what the terminal showed. */
  async run(input: SessionInput, limits: CallLimits): Promise<SessionResult> {
    if (this.#call !== undefined) return this.#refusal('busy');
    if (input.kind === 'command') return this.#runCommand(input.command, input.cwd, limits);
    if (this.#phase !== 'running') {
      if (this.#unread === undefined) return this.#refusal('no_running_command');
      return this.#collect(undefined, 'completed', this.#unread);
    }
    const call = this.#startCall(limits);
    if (input.kind === 'input') this.#pty.write(`${input.text}\r`);
    if (input.kind === 'key') this.#pty.write(input.key);
    return call.result;
  }

  /**
   * Interrupts the running command: C-c, then SIGKILL to the terminal's foreground process
   * group, then the whole session if the shell itself does not come back. A waiting call
   * returns `interrupted`. Resolves with whether a command was running.
   */
  async interrupt(): Promise<boolean> {
    if (this.#call !== undefined) {
      await this.#call.stop('interrupted');
      return true;
    }
    if (this.#phase !== 'running') return false;
    await this.#stopCommand();
    return true;
  }

  /**
   * Has the shell run `script` (exports and unsets) before its next command, silently: a running
   * command keeps its environment, an idle shell gets the update with the command that follows.
   */
  updateEnvironment(script: string): void {
    this.#pendingEnv.push(script);
  }

  /** Kills every process of the session (jobs in the background too) and waits for bash to exit. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#phase !== 'dead') {
      const waiting = this.#call?.stop('interrupted');
      await this.#killSession();
      await waiting;
    }
    await settlesWithin(this.#cleanedUp.promise, EXIT_GRACE_MS);
  }

  #startCall(limits: CallLimits): PendingCall {
    const call = new PendingCall(this.#host, limits);
    this.#call = call;
    return call;
  }

  async #runCommand(command: string, cwd: string | undefined, limits: CallLimits): Promise<SessionResult> {
    if (this.#phase === 'running') return this.#refusal('busy');
    if (this.#phase !== 'idle') throw new SandboxError('action_failed', 'The shell session has ended.');
    const call = this.#startCall(limits);
    this.#phase = 'running';
    this.#unread = undefined;
    this.#commandEnded = deferred();
    this.#launched = this.#launch(command, cwd);
    try {
      await this.#launched;
    } catch (error) {
      call.cancel();
      this.#call = undefined;
      this.#commandEnded.resolve();
      this.#commandEnded = undefined;
      this.#phase = 'idle';
      throw new SandboxError('action_failed', 'Could not hand the command to bash.', { cause: error });
    }
    return call.result;
  }

  async #launch(command: string, cwd: string | undefined): Promise<void> {
    const updates = this.#pendingEnv.length;
    const envScript = this.#pendingEnv.join('\n');
    // Readable by the command user; the session folder (0700, theirs) keeps everyone else out.
    await writeFile(this.#commandFile, commandFileContent(command, cwd, envScript), { mode: 0o644 });
    this.#pendingEnv = this.#pendingEnv.slice(updates);
    this.#echo.arm(LAUNCH_ECHO);
    // A newline, not Enter: it ends the line also when a command left the terminal in raw mode.
    this.#pty.write(`${LAUNCH_LINE}\n`);
  }

  #onData(data: string): void {
    this.#call?.touch();
    for (const event of this.#scanner.feed(data)) {
      if (event.kind === 'text') this.#text.write(this.#echo.feed(event.text));
      else this.#onPrompt(event.marker);
    }
  }

  #onPrompt(marker: PromptMarker): void {
    this.#text.write(this.#echo.disarm());
    this.#cwd = marker.cwd;
    if (this.#phase === 'starting') {
      this.#phase = 'idle';
      this.#text.take();
      this.#ready.resolve();
    } else if (this.#phase === 'running') {
      this.#phase = 'idle';
      this.#commandEnds(marker.exitCode);
    }
  }

  #onShellExit(exitCode: number): void {
    const was = this.#phase;
    this.#phase = 'dead';
    this.#text.write(this.#echo.disarm());
    if (was === 'starting') {
      const said = this.#text.take(STARTUP_OUTPUT_CHARS).trim();
      const why = said === '' ? '' : `: ${said}`;
      this.#ready.reject(
        new SandboxError('action_failed', `bash exited (${exitCode}) before its first prompt${why}`),
      );
    }
    if (was === 'running') this.#commandEnds(exitCode);
    this.#exited.resolve();
    // Jobs it left behind have no shell to reach them any more; end them with it.
    void this.#signalSession()
      .then(() => rm(this.#dir, { recursive: true, force: true }))
      .catch(() => undefined)
      .finally(() => {
        this.#cleanedUp.resolve();
      });
    this.#onExit?.();
  }

  #commandEnds(exitCode: number): void {
    this.#unread = exitCode;
    this.#commandEnded?.resolve();
    this.#commandEnded = undefined;
    this.#call?.ended(exitCode);
  }

  #collect(call: PendingCall | undefined, status: RunCommandStatus, exitCode: number): SessionResult {
    if (call === undefined || call === this.#call) this.#call = undefined;
    if (status !== 'no_change_timeout') this.#unread = undefined;
    return { status, exitCode, output: this.#text.take(), cwd: this.#cwd };
  }

  #refusal(status: 'busy' | 'no_running_command'): SessionResult {
    return { status, exitCode: -1, output: '', cwd: this.#cwd };
  }

  #stopCommand(): Promise<void> {
    this.#stopping ??= this.#escalate().finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  async #escalate(): Promise<void> {
    if (this.#closing) {
      await this.#killSession();
      return;
    }
    // C-c typed before the command line would reach the idle shell, not the command.
    await this.#launched.catch(() => undefined);
    const ended = this.#commandEnded?.promise;
    if (ended === undefined || this.#phase !== 'running') return;
    this.#pty.write('\u0003');
    if (await settlesWithin(ended, STOP_GRACE_MS)) return;
    const group = await foregroundGroup(this.#pty.pid);
    if (group !== undefined && group !== this.#pty.pid) signalGroup(group, 'SIGKILL');
    if (await settlesWithin(ended, STOP_GRACE_MS)) return;
    // The shell itself does not come back (a builtin loop that ignores SIGINT): end the session.
    await this.#killSession();
  }

  async #killSession(): Promise<void> {
    await this.#signalSession();
    await settlesWithin(this.#exited.promise, EXIT_GRACE_MS);
  }

  async #signalSession(): Promise<void> {
    for (const group of await sessionGroups(this.#pty.pid)) signalGroup(group, 'SIGKILL');
  }

  async #waitUntilReady(): Promise<void> {
    if (await settlesWithin(this.#ready.promise, START_TIMEOUT_MS)) return this.#ready.promise;
    await this.#killSession();
    throw new SandboxError('action_failed', `bash showed no prompt within ${START_TIMEOUT_MS} ms.`);
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody awaits (a shell that dies after it was ready) is not an error.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Whether `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
