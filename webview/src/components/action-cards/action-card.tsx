import type { ReactNode } from 'react';
import type { Action, ActionEvent, ObservationEvent } from '@handoff/protocol';
import { ObservationView } from './observation-view';

type ActionOf<T extends Action['type']> = Extract<Action, { type: T }>;

/** What every action card gets. */
interface CardProps<T extends Action['type']> {
  event: ActionEvent;
  action: ActionOf<T>;
  /** The paired observation, once it arrived. */
  observation: ObservationEvent | undefined;
}
type CardRenderer<T extends Action['type']> = (props: CardProps<T>) => ReactNode;

/** `execute_bash`: the command, then its output and exit code. */
function ExecuteBashCard({ event, action, observation }: CardProps<'run_command'>) {
  return (
    <article className="card action-card" data-testid="event-action" data-action-type="run_command">
      <header className="card-header">
        <span className="card-title">{event.toolName}</span>
        {action.cwd && <span className="card-subtitle">in {action.cwd}</span>}
      </header>
      {event.thought && <p className="thought">{event.thought}</p>}
      <pre className="command" data-testid="action-command">
        <span className="prompt" aria-hidden="true">
          ${' '}
        </span>
        {action.command}
      </pre>
      {observation ? (
        <ObservationView observation={observation.observation} />
      ) : (
        <div className="pending" data-testid="action-pending">
          <vscode-progress-ring className="pending-spinner" aria-hidden="true" /> Running…
        </div>
      )}
    </article>
  );
}

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
const ACTION_CARDS = {
  run_command: ExecuteBashCard,
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
