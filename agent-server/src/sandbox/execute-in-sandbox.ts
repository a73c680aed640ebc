import type { Observation, SandboxAction } from '@handoff/protocol';
import type { Logger } from '../logger';
import type { SandboxClient } from './sandbox-client';
import { SandboxClientError } from './sandbox-client';

/** What one sandbox call needs. */
export interface SandboxCall {
  sandbox: SandboxClient;
  /** The run's signal: aborting it interrupts the call. */
  signal: AbortSignal;
  /** Sent as `X-Request-Id`. */
  requestId: string;
  logger: Logger;
}

const WHAT: Record<SandboxAction['type'], string> = {
  run_command: 'the command',
  file_editor: 'the editor command',
};

/**
 * Runs one action in the sandbox. A failure of the sandbox itself becomes a `tool_error`
 * observation the model can react to; an abort (the user interrupted) or a bug rejects.
 *
 * On abort the HTTP call is cut, which the action server treats as an interrupt, and a command
 * is also interrupted explicitly (`POST /interrupt` for its session), so a long command really
 * stops even when the cut connection goes unnoticed; the rejection waits for that call.
 */
export async function executeInSandbox(action: SandboxAction, call: SandboxCall): Promise<Observation> {
  const stop =
    action.type === 'run_command' ? interruptOnAbort(action.session ?? 'default', call) : undefined;
  try {
    return await call.sandbox.executeAction(action, { signal: call.signal, requestId: call.requestId });
  } catch (error) {
    if (call.signal.aborted) {
      await stop?.done();
      throw error;
    }
    if (!(error instanceof SandboxClientError)) throw error;
    return {
      type: 'tool_error',
      message: `The sandbox could not run ${WHAT[action.type]}: ${error.message}`,
    };
  } finally {
    stop?.dispose();
  }
}

/** Calls `POST /interrupt` for `session` once the signal aborts; never rejects. */
function interruptOnAbort(
  session: string,
  { sandbox, signal, logger }: SandboxCall,
): { done(): Promise<void>; dispose(): void } {
  let interrupting: Promise<void> = Promise.resolve();
  const onAbort = (): void => {
    interrupting = sandbox.interrupt(session).then(
      ({ interrupted }) => {
        logger.info('Interrupted the running command', { session, interrupted });
      },
      (error: unknown) => {
        logger.warn('Could not interrupt the running command', { session, error });
      },
    );
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    done: () => interrupting,
    dispose: () => {
      signal.removeEventListener('abort', onAbort);
    },
  };
}
