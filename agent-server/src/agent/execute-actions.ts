import { randomUUID } from 'node:crypto';
import type {
  ActionEvent,
  FinishAction,
  Observation,
  RunCommandAction,
  SandboxAction,
} from '@handoff/protocol';
import { executeInSandbox } from '../sandbox/execute-in-sandbox';
import { runTaskTracker } from '../tools/task-tracker/executor';
import { think } from '../tools/think/definition';
import { emit } from './agent-context';
import type { AgentRun } from './agent-run';

/** Said to the model for a call that came after `finish` in the same response. */
export const AFTER_FINISH_MESSAGE =
  'This action was not executed because `finish` was called before it in the same response.';

/**
 * Runs recorded actions in order: `finish` is the agent server's, `think` and `task_tracker`
 * are answered here, every other action goes to the sandbox. Returns the `finish` action when
 * there was one; calls after it are answered without running.
 */
export async function executeActions(
  run: AgentRun,
  actions: readonly ActionEvent[],
): Promise<FinishAction | undefined> {
  let finish: FinishAction | undefined;
  for (const event of actions) {
    run.ctx.signal.throwIfAborted();
    if (event.action.type === 'finish') {
      finish ??= event.action;
      continue;
    }
    const observation =
      finish === undefined
        ? await execute(run, event)
        : { type: 'tool_error' as const, message: AFTER_FINISH_MESSAGE };
    await emit(run.events, {
      type: 'observation',
      source: 'environment',
      actionId: event.actionId,
      toolName: event.toolName,
      toolCallId: event.toolCallId,
      observation,
    });
  }
  return finish;
}

async function execute(run: AgentRun, event: ActionEvent): Promise<Observation> {
  const { action } = event;
  switch (action.type) {
    case 'think':
      return think();
    case 'task_tracker':
      return runTaskTracker(action, run.ctx.events.all());
    case 'finish':
      return { type: 'tool_error', message: 'finish has no result.' };
    case 'run_command':
    case 'file_editor':
      return runInSandbox(run, action, event.actionId);
  }
}

async function runInSandbox(run: AgentRun, action: SandboxAction, requestId: string): Promise<Observation> {
  const { ctx } = run;
  if (action.type === 'run_command') await exportSecrets(run, action.session ?? 'default');
  const observation = await executeInSandbox(action, {
    sandbox: ctx.sandbox,
    signal: ctx.signal,
    requestId,
    logger: ctx.logger,
  });
  if (observation.type !== 'run_command') return observation;
  // A command still running (soft timeout) goes on printing into the session's next output:
  // a secret cut at the seam is held back and masked whole there.
  const stillRunning = observation.status === 'no_change_timeout';
  return {
    ...observation,
    output: run.masker.maskPiece(`session:${observation.session}`, observation.output, stillRunning),
  };
}

/** `export NAME='value' ...` for every secret, with single quotes escaped for bash. */
export function exportCommand(secrets: Readonly<Record<string, string>>): string {
  const assignments = Object.entries(secrets).map(
    ([name, value]) => `${name}='${value.replaceAll("'", "'\\''")}'`,
  );
  return `export ${assignments.join(' ')}`;
}

/**
 * Exports the secrets into a shell session once per run, before its first command, so commands
 * can use `$NAME`. The call is not an event and its output is dropped; a session busy with a
 * running command is tried again before the next command.
 */
async function exportSecrets(run: AgentRun, session: string): Promise<void> {
  if (Object.keys(run.ctx.secrets).length === 0 || run.exportedSessions.has(session)) return;
  const action: RunCommandAction = { type: 'run_command', command: exportCommand(run.ctx.secrets), session };
  const result = await executeInSandbox(action, {
    sandbox: run.ctx.sandbox,
    signal: run.ctx.signal,
    requestId: `secrets-${randomUUID()}`,
    logger: run.ctx.logger,
  });
  if (result.type === 'run_command' && result.status === 'completed') run.exportedSessions.add(session);
  else
    run.ctx.logger.warn('Could not export the secrets into the shell yet', {
      session,
      status: result.type === 'run_command' ? result.status : result.type,
    });
}
