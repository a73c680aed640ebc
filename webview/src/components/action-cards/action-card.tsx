import type { Action, ActionEvent, ObservationEvent } from '@handoff/protocol';
import type { CardProps, CardRenderer } from './card-props';
import { ExecuteBashCard } from './execute-bash-card';
import { FileEditorCard } from './file-editor-card';

/** `finish`: the agent's final message. */
function FinishCard({ event, action }: CardProps<'finish'>) {
  return (
    <article className="card finish-card" data-testid="event-action" data-action-type="finish">
      <header className="card-header">
        <span className="card-title">Finished</span>
      </header>
      {event.thought && <p className="thought">{event.thought}</p>}
      <p className="finish-message" data-testid="finish-message">
        {action.message}
      </p>
    </article>
  );
}

/** One card per action type: a new type is a compile error until it has one. */
export const ACTION_CARDS = {
  run_command: ExecuteBashCard,
  file_editor: FileEditorCard,
  finish: FinishCard,
} satisfies { [T in Action['type']]: CardRenderer<T> };

/** The card of an action event, with its observation when paired. */
export function ActionCard({
  event,
  observation,
}: {
  event: ActionEvent;
  observation: ObservationEvent | undefined;
}) {
  const Card = ACTION_CARDS[event.action.type] as CardRenderer<Action['type']>;
  return <Card event={event} action={event.action} observation={observation} />;
}
