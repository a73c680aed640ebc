import type { Action, ActionEvent, ObservationEvent } from '@handoff/protocol';
import { FinishCard, TaskTrackerCard, ThinkCard } from './agent-tool-cards';
import type { CardRenderer } from './card-props';
import { ExecuteBashCard } from './execute-bash-card';
import { FileEditorCard } from './file-editor-card';

/** One card per action type: a new type is a compile error until it has one. */
export const ACTION_CARDS = {
  run_command: ExecuteBashCard,
  file_editor: FileEditorCard,
  think: ThinkCard,
  task_tracker: TaskTrackerCard,
  finish: FinishCard,
} satisfies { [T in Action['type']]: CardRenderer<T> };

/** The card of an action event, with its observation when paired. */
export function ActionCard({
  event,
  observation,
  awaitingConfirmation = false,
}: {
  event: ActionEvent;
  observation: ObservationEvent | undefined;
  /** The agent waits for the user to accept or reject the actions that have no observation yet. */
  awaitingConfirmation?: boolean;
}) {
  const Card = ACTION_CARDS[event.action.type] as CardRenderer<Action['type']>;
  return (
    <Card
      event={event}
      action={event.action}
      observation={observation}
      awaitingConfirmation={awaitingConfirmation}
    />
  );
}
