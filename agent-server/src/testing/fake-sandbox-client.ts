import type {
  InterruptResponse,
  Observation,
  RunCommandAction,
  RunCommandObservation,
  SandboxAction,
} from '@handoff/protocol';
import type { ExecuteOptions, SandboxClient } from '../sandbox/sandbox-client';
import { FAKE_WORKSPACE, FakeFileEditor } from './fake-file-editor';

export { FAKE_WORKSPACE } from './fake-file-editor';

/** Answers one action of a {@link FakeSandboxClient}. */
export type FakeSandboxHandler = (
  action: SandboxAction,
  options: ExecuteOptions,
) => Observation | Promise<Observation>;

/** A completed run-command observation for `action` in its session, with overrides. */
export function fakeRunCommandObservation(
  action: Pick<RunCommandAction, 'command' | 'session'>,
  overrides: Partial<RunCommandObservation> = {},
): RunCommandObservation {
  return {
    type: 'run_command',
    command: action.command,
    session: action.session ?? 'default',
    status: 'completed',
    exitCode: 0,
    output: '',
    timedOut: false,
    cwd: FAKE_WORKSPACE,
    ...overrides,
  };
}

/** Pretends to be bash for `echo ...` (prints the rest of the line); every other command prints nothing and exits 0. */
export function echo(action: RunCommandAction): RunCommandObservation {
  const match = /^echo\s+(.*)$/s.exec(action.command.trim());
  const printed = match?.[1]?.replace(/^(['"])(.*)\1$/s, '$2');
  return fakeRunCommandObservation(action, { output: printed === undefined ? '' : `${printed}\n` });
}

/** Never answers; rejects once the call's signal aborts (for interrupt tests). */
export const hangingHandler: FakeSandboxHandler = (_action, options) =>
  new Promise((_, reject) => {
    options.signal.addEventListener(
      'abort',
      () => {
        reject(options.signal.reason as Error);
      },
      { once: true },
    );
  });

/**
 * An in-memory {@link SandboxClient} that records each action and interrupt. By default
 * commands behave like {@link echo} and editor actions go to an in-memory {@link FakeFileEditor};
 * a handler given to the constructor answers every action instead.
 */
export class FakeSandboxClient implements SandboxClient {
  /** Every action executed, in order. */
  readonly actions: SandboxAction[] = [];
  /** The `requestId` of each call, in order. */
  readonly requestIds: string[] = [];
  /** The session of each `interrupt` call, in order. */
  readonly interrupts: string[] = [];
  /** The files the default editor keeps. */
  readonly editor = new FakeFileEditor();
  readonly #handler: FakeSandboxHandler;
  readonly #running = new Map<string, number>();

  constructor(handler?: FakeSandboxHandler) {
    this.#handler =
      handler ?? ((action) => (action.type === 'run_command' ? echo(action) : this.editor.handle(action)));
  }

  async executeAction(action: SandboxAction, options: ExecuteOptions): Promise<Observation> {
    this.actions.push(action);
    this.requestIds.push(options.requestId);
    options.signal.throwIfAborted();
    const session = action.type === 'run_command' ? (action.session ?? 'default') : undefined;
    if (session !== undefined) this.#running.set(session, (this.#running.get(session) ?? 0) + 1);
    try {
      return await this.#handler(action, options);
    } finally {
      if (session !== undefined) this.#running.set(session, (this.#running.get(session) ?? 1) - 1);
    }
  }

  /** Records the interrupt; reports whether a command of that session was in flight. */
  interrupt(session: string): Promise<InterruptResponse> {
    this.interrupts.push(session);
    return Promise.resolve({ interrupted: (this.#running.get(session) ?? 0) > 0 });
  }
}
