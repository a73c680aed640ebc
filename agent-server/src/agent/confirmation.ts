import type { ActionEvent, ConfirmationPolicy, SecurityRisk } from '@handoff/protocol';
import { emit } from './agent-context';
import type { AgentRun } from './agent-run';
import { executeActions } from './execute-actions';
import { unansweredActions } from './unanswered-actions';

const RANK: Record<SecurityRisk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, UNKNOWN: 2 };

/** Said to the model when the user wrote instead of answering the confirmation. */
export const NEW_MESSAGE_INSTEAD_REASON = 'The user sent a new message instead of confirming.';

/**
 * Whether a batch of actions waits for the user: never; always when it acts on the sandbox;
 * or when one sandbox action's risk reaches the threshold (UNKNOWN counts as HIGH, as
 * OpenHands' `ConfirmRisky{confirm_unknown}` does). `think`, `task_tracker` and `finish` alone never wait.
 */
export function needsConfirmation(policy: ConfirmationPolicy, actions: readonly ActionEvent[]): boolean {
  const acting = actions.filter(
    (event) => event.action.type === 'run_command' || event.action.type === 'file_editor',
  );
  if (acting.length === 0) return false;
  switch (policy.type) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'risky':
      return acting.some((event) => RANK[event.securityRisk ?? 'UNKNOWN'] >= RANK[policy.threshold]);
  }
}

/** How actions left waiting at the start of a run were settled. */
export type PendingOutcome =
  'none' | 'continue' | 'awaiting_confirmation' | 'awaiting_user_input' | 'finished';

/**
 * Settles the actions that waited for confirmation when the run starts: the user's answer (a
 * `confirmation` event after them) runs or rejects them; a policy that no longer asks runs
 * them; a new user message rejects them; otherwise they still wait.
 */
export async function settlePendingActions(run: AgentRun): Promise<PendingOutcome> {
  const events = run.ctx.events.all();
  const pending = unansweredActions(events);
  const first = pending[0];
  const last = pending[pending.length - 1];
  if (first === undefined || last === undefined) return 'none';
  const later = events.filter((event) => event.seq > last.seq);
  const decision = later.findLast((event) => event.type === 'confirmation');
  if (decision?.type === 'confirmation' && !decision.accept) {
    await reject(run, pending, decision.reason ?? '');
    return 'awaiting_user_input';
  }
  if (decision === undefined && needsConfirmation(run.ctx.getConfirmationPolicy(), pending)) {
    if (!later.some((event) => event.type === 'message' && event.source === 'user'))
      return 'awaiting_confirmation';
    await reject(run, pending, NEW_MESSAGE_INSTEAD_REASON);
    return 'continue';
  }
  const finish = events.find(
    (event) => event.type === 'action' && event.action.type === 'finish' && event.seq > first.seq,
  );
  const done = await executeActions(run, finish?.type === 'action' ? [...pending, finish] : pending);
  if (done === undefined) return 'continue';
  await emit(run.events, { type: 'message', source: 'agent', text: done.message });
  return 'finished';
}

async function reject(run: AgentRun, actions: readonly ActionEvent[], reason: string): Promise<void> {
  for (const action of actions) {
    await emit(run.events, {
      type: 'observation',
      source: 'environment',
      actionId: action.actionId,
      toolName: action.toolName,
      toolCallId: action.toolCallId,
      observation: { type: 'user_rejected', reason },
    });
  }
}
