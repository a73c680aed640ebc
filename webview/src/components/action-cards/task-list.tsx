import type { TrackedTask } from '@handoff/protocol';

/** A checkbox-like mark and a word for screen readers, per task status. */
const TASK_MARKS = {
  todo: { mark: '☐', label: 'to do' },
  in_progress: { mark: '◐', label: 'in progress' },
  done: { mark: '☑', label: 'done' },
} satisfies Record<TrackedTask['status'], { mark: string; label: string }>;

/** The agent's plan as a checklist. */
export function TaskList({ tasks }: { tasks: readonly TrackedTask[] }) {
  if (tasks.length === 0) {
    return (
      <p className="task-list-empty" data-testid="task-list">
        No tasks yet.
      </p>
    );
  }
  return (
    <ul className="task-list" data-testid="task-list" aria-label="Tasks">
      {tasks.map((task) => {
        const { mark, label } = TASK_MARKS[task.status];
        return (
          <li
            key={task.id}
            className={`task task-${task.status}`}
            data-testid="task"
            data-status={task.status}
          >
            <span className="task-mark" role="img" aria-label={label} title={label}>
              {mark}
            </span>
            <span className="task-title">{task.title}</span>
            {task.notes && <span className="task-notes">{task.notes}</span>}
          </li>
        );
      })}
    </ul>
  );
}
