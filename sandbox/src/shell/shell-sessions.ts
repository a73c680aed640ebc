import type { CommandUser } from '../actions/action-context';
import { SandboxError } from '../errors';
import { BashSession } from './bash-session';
import type { SessionInput } from './bash-session';
import type { CallLimits, SessionResult } from './pending-call';
import { environmentUpdate, shellEnv } from './shell-env';

/** How many shell sessions may be open at once by default. */
export const DEFAULT_MAX_SESSIONS = 16;

/** What `ShellSessions` needs. */
export interface ShellSessionsOptions {
  /** Where new sessions start. */
  workspace: string;
  /** The environment commands inherit (already free of `HANDOFF_*`). */
  env: NodeJS.ProcessEnv;
  /** Run every shell as this user; the server's own user when undefined. */
  commandUser?: CommandUser;
  /** At most this many sessions at once; default `DEFAULT_MAX_SESSIONS`. */
  maxSessions?: number;
}

/**
 * The named shell sessions of a sandbox, each created on first use. Different sessions run
 * concurrently; one session runs one command at a time. A session whose shell exited
 * (`exit`) is forgotten, and its name starts a fresh shell next time.
 */
export class ShellSessions {
  readonly #options: ShellSessionsOptions;
  #env: Record<string, string>;
  /** What the last `setEnvironment` set. */
  #extra: Record<string, string> = {};
  readonly #sessions = new Map<string, Promise<BashSession>>();
  #closed = false;

  constructor(options: ShellSessionsOptions) {
    this.#options = options;
    this.#env = shellEnv(options.env, options.commandUser);
  }

  /**
   * Runs `input` in session `name`. Only a command opens a session; anything else on a session
   * that does not exist answers `no_running_command`.
   */
  async run(name: string, input: SessionInput, limits: CallLimits): Promise<SessionResult> {
    if (input.kind !== 'command') {
      const session = await this.#existing(name);
      if (session === undefined) {
        return { status: 'no_running_command', exitCode: -1, output: '', cwd: this.#options.workspace };
      }
      return session.run(input, limits);
    }
    return (await this.#open(name)).run(input, limits);
  }

  /**
   * Sets variables for every command from now on, replacing what an earlier call set: sessions
   * opened later start with them, open ones get them before their next command. Names must have
   * passed `refusedVariable`.
   */
  setEnvironment(variables: Record<string, string>): void {
    const dropped = Object.keys(this.#extra).filter((name) => !(name in variables));
    this.#extra = { ...variables };
    this.#env = shellEnv({ ...this.#options.env, ...variables }, this.#options.commandUser);
    const script = environmentUpdate(this.#env, Object.keys(variables), dropped);
    if (script === '') return;
    for (const started of this.#sessions.values()) {
      // A session still starting was spawned with the old environment: it gets the update once up.
      void started.then(
        (session) => {
          session.updateEnvironment(script);
        },
        () => undefined,
      );
    }
  }

  /** Interrupts the running command of session `name`; resolves with whether one was running. */
  async interrupt(name: string): Promise<boolean> {
    const session = await this.#existing(name);
    return session === undefined ? false : session.interrupt();
  }

  /** The names of the open sessions. */
  get names(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Ends every session and every process in it; no session opens afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    const started = [...this.#sessions.values()].map((session) => session.catch(() => undefined));
    await Promise.all(started.map(async (session) => (await session)?.close()));
  }

  async #existing(name: string): Promise<BashSession | undefined> {
    const session = await this.#sessions.get(name)?.catch(() => undefined);
    return session?.alive === true ? session : undefined;
  }

  #open(name: string): Promise<BashSession> {
    if (this.#closed) {
      throw new SandboxError(
        'sandbox_unavailable',
        'The action server is shutting down; it runs no more commands.',
      );
    }
    const existing = this.#sessions.get(name);
    if (existing !== undefined) return existing;
    const max = this.#options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (this.#sessions.size >= max) {
      throw new SandboxError(
        'invalid_request',
        `Cannot open shell session "${name}": ${max} sessions are open already (${this.names.join(', ')}). ` +
          'Use one of them, or end one by running `exit` in it.',
      );
    }
    const started = BashSession.start({
      cwd: this.#options.workspace,
      env: this.#env,
      ...(this.#options.commandUser === undefined ? {} : { user: this.#options.commandUser }),
      onExit: () => {
        if (this.#sessions.get(name) === started) this.#sessions.delete(name);
      },
    });
    this.#sessions.set(name, started);
    started.catch(() => {
      if (this.#sessions.get(name) === started) this.#sessions.delete(name);
    });
    return started;
  }
}
