/** @module Cards of the tools the agent server answers itself: `think`, `task_tracker`, `finish`. */
import { Markdown } from '../markdown/markdown';
import type { CardProps } from './card-props';
import { ObservationView } from './observation-view';
import { TaskList } from './task-list';

/** `think`: the agent's thought, muted; nothing ran. */
export function ThinkCard({ action }: CardProps<'think'>) {
  return (
    <article className="card think-card" data-testid="event-action" data-action-type="think">
      <header className="card-header">
        <span className="card-title">Thought</span>
      </header>
      <p className="thought" data-testid="think-thought">
        {action.thought}
      </p>
    </article>
  );
}

/** `task_tracker`: the plan as a checklist, as the tool answered it (or as the agent sent it). */
export function TaskTrackerCard({ event, action, observation }: CardProps<'task_tracker'>) {
  const result = observation?.observation;
  const tasks = result?.type === 'task_tracker' ? result.taskList : action.taskList;
  return (
    <article
      className="card task-tracker-card"
      data-testid="event-action"
      data-action-type="task_tracker"
      data-command={action.command}
    >
      <header className="card-header">
        <span className="card-title">{action.command === 'plan' ? 'Plan' : 'Tasks'}</span>
      </header>
      {event.thought && <p className="thought">{event.thought}</p>}
      {tasks !== undefined && <TaskList tasks={tasks} />}
      {result !== undefined && result.type !== 'task_tracker' && <ObservationView observation={result} />}
    </article>
  );
}

/** `finish`: the agent's final message. */
export function FinishCard({ event, action }: CardProps<'finish'>) {
  return (
    <article className="card finish-card" data-testid="event-action" data-action-type="finish">
      <header className="card-header">
        <span className="card-title">Finished</span>
      </header>
      {event.thought && <p className="thought">{event.thought}</p>}
      <div className="finish-message" data-testid="finish-message">
        <Markdown source={action.message} />
      </div>
    </article>
  );
}
