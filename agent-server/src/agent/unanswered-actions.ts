import type { ActionEvent, Event } from '@handoff/protocol';
import type { ConversationEvents } from './agent-context';

/** Said to the model for a command cut short by an interrupt. */
export const INTERRUPTED_ACTION_MESSAGE =
  'The command was interrupted by the user before it finished; its effects may be partial.';
/** Said to the model for a call left unexecuted because the run failed. */
export const NOT_EXECUTED_AFTER_ERROR_MESSAGE =
  'The action has not been executed because the agent stopped with an error.';
/** Said to the model for a command that was running when the agent server went down. */
export const INTERRUPTED_BY_RESTART_MESSAGE =
  'The agent server restarted while this action was running; its outcome is unknown.';

/** Actions that still wait for an observation (`finish` never gets one, so it never waits). */
export function unansweredActions(events: readonly Event[]): ActionEvent[] {
  const answered = new Set<string>();
  const waiting: ActionEvent[] = [];
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event?.type === 'observation') answered.add(event.actionId);
    else if (event?.type === 'action' && event.action.type !== 'finish' && !answered.has(event.actionId))
      waiting.unshift(event);
  }
  return waiting;
}

/**
 * Gives every waiting action a `tool_error` observation, so each action keeps its pair and the
 * model later reads what happened to it.
 */
export async function answerUnansweredActions(events: ConversationEvents, message: string): Promise<void> {
  for (const action of unansweredActions(events.all())) {
    await events.append({
      type: 'observation',
      source: 'environment',
      actionId: action.actionId,
      toolName: action.toolName,
      toolCallId: action.toolCallId,
      observation: { type: 'tool_error', message },
    });
  }
}
