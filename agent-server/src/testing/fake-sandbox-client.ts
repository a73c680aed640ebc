import type { Observation, RunCommandObservation, SandboxAction } from '@handoff/protocol';
import type { ExecuteOptions, SandboxClient } from '../sandbox/sandbox-client';

/** Answers one action of a {@link FakeSandboxClient}. */
export type FakeSandboxHandler = (
  action: SandboxAction,
  options: ExecuteOptions,
) => Observation | Promise<Observation>;

/** The workspace path fake observations report. */
export const FAKE_WORKSPACE = '/workspace';

/** A run-command observation for `action`, with overrides. */
export function fakeRunCommandObservation(
  action: SandboxAction,
  overrides: Partial<RunCommandObservation> = {},
): RunCommandObservation {
  return {
    type: 'run_command',
    command: action.command,
    exitCode: 0,
    output: '',
    timedOut: false,
    cwd: FAKE_WORKSPACE,
    ...overrides,
  };
}

/** Pretends to be bash for `echo ...` (prints the rest of the line); every other command prints nothing and exits 0. */
export const echoHandler: FakeSandboxHandler = (action) => {
  const match = /^echo\s+(.*)$/s.exec(action.command.trim());
  const printed = match?.[1]?.replace(/^(['"])(.*)\1$/s, '$2');
  return fakeRunCommandObservation(action, { output: printed === undefined ? '' : `${printed}\n` });
};

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

/** An in-memory {@link SandboxClient} that records each action and answers with a handler. */
export class FakeSandboxClient implements SandboxClient {
  /** Every action executed, in order. */
  readonly actions: SandboxAction[] = [];
  /** The `requestId` of each call, in order. */
  readonly requestIds: string[] = [];
  readonly #handler: FakeSandboxHandler;

  constructor(handler: FakeSandboxHandler = echoHandler) {
    this.#handler = handler;
  }

  async execute(action: SandboxAction, options: ExecuteOptions): Promise<Observation> {
    this.actions.push(action);
    this.requestIds.push(options.requestId);
    options.signal.throwIfAborted();
    return this.#handler(action, options);
  }
}
