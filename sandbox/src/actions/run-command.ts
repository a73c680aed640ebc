import type {
  InterruptRequest,
  InterruptResponse,
  RunCommandAction,
  RunCommandObservation,
} from '@handoff/protocol';
import type { SessionInput } from '../shell/bash-session';
import type { SessionResult } from '../shell/pending-call';
import { resolveCwd } from '../workspace/resolve-cwd';
import type { ActionContext } from './action-context';

/** The session a command runs in when the action names none. */
export const DEFAULT_SESSION = 'default';

/** Seconds without new output after which a call returns and the command keeps running (OpenHands V1). */
export const DEFAULT_NO_CHANGE_TIMEOUT_SEC = 30;

/** A control key as OpenHands takes it: `C-c`, `C-d`, `C-z`, any `C-<letter>`. */
const CONTROL_KEY = /^C-([a-zA-Z])$/;

/**
 * Runs a command in a persistent bash session (`action.session`, created on first use), or
 * talks to the command still running there: an empty command waits for more output,
 * `isInput` types the text and Enter, `C-<letter>` sends that control key. A non-zero exit, a
 * timeout, a busy session are data in the observation; only a refused `cwd`, a session over the
 * cap or a bash that cannot start throw.
 */
export async function execute(action: RunCommandAction, ctx: ActionContext): Promise<RunCommandObservation> {
  const session = action.session ?? DEFAULT_SESSION;
  const result = await ctx.shells.run(session, await sessionInput(action, ctx.workspace), {
    noChangeMs: (action.noChangeTimeoutSec ?? DEFAULT_NO_CHANGE_TIMEOUT_SEC) * 1000,
    ...(action.timeoutSec === undefined ? {} : { hardMs: action.timeoutSec * 1000 }),
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  });
  return {
    type: 'run_command',
    command: action.command,
    session,
    status: result.status,
    exitCode: result.exitCode,
    output: result.output === '' ? refusalNote(result, action, session) : result.output,
    timedOut: result.status === 'no_change_timeout' || result.status === 'hard_timeout',
    cwd: result.cwd,
  };
}

/** What the action asks of its session. `cwd` is resolved (and confined) for commands only. */
async function sessionInput(action: RunCommandAction, workspace: string): Promise<SessionInput> {
  const key = CONTROL_KEY.exec(action.command);
  if (key?.[1] !== undefined) {
    return { kind: 'key', key: String.fromCharCode(key[1].toUpperCase().charCodeAt(0) - 64) };
  }
  if (action.isInput === true) return { kind: 'input', text: action.command };
  if (action.command === '') return { kind: 'wait' };
  if (action.cwd === undefined) return { kind: 'command', command: action.command };
  return { kind: 'command', command: action.command, cwd: await resolveCwd(workspace, action.cwd) };
}

/** Says why nothing ran; the agent server words it for the model. */
function refusalNote(result: SessionResult, action: RunCommandAction, session: string): string {
  if (result.status === 'busy') {
    return `The command "${action.command}" was not executed: the previous command in session "${session}" is still running.`;
  }
  if (result.status === 'no_running_command') return `No command is running in session "${session}".`;
  return '';
}

/** `POST /interrupt`: interrupts the running command of a session (a waiting call returns `interrupted`). */
export async function interrupt(request: InterruptRequest, ctx: ActionContext): Promise<InterruptResponse> {
  return { interrupted: await ctx.shells.interrupt(request.session ?? DEFAULT_SESSION) };
}
