import type { Event, TaskTrackerAction, TaskTrackerObservation, TrackedTask } from '@handoff/protocol';

const STATUS_ICON: Record<TrackedTask['status'], string> = { todo: '⏳', in_progress: '🔄', done: '✅' };

/** The plan as the last `task_tracker` call left it (empty before the first `plan`). */
export function currentTaskList(events: readonly Event[]): TrackedTask[] {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event?.type === 'observation' && event.observation.type === 'task_tracker')
      return event.observation.taskList;
  }
  return [];
}

/** OpenHands' `_format_task_list`. */
function formatTaskList(tasks: readonly TrackedTask[]): string {
  let content = '# Task List\n\n';
  tasks.forEach((task, index) => {
    content += `${index + 1}. ${STATUS_ICON[task.status]} [${task.id}] ${task.title}\n`;
    if (task.notes !== undefined && task.notes !== '') content += `   ${task.notes}\n`;
    content += '\n';
  });
  return content.trim();
}

/**
 * Runs a `task_tracker` call against the plan recorded in the log, with OpenHands'
 * (`TaskTrackerExecutor`) wording.
 */
export function runTaskTracker(action: TaskTrackerAction, events: readonly Event[]): TaskTrackerObservation {
  if (action.command === 'plan') {
    const taskList = action.taskList ?? [];
    return {
      type: 'task_tracker',
      output: `Task list has been updated with ${taskList.length} item(s).`,
      taskList,
    };
  }
  const taskList = currentTaskList(events);
  if (taskList.length === 0) {
    return {
      type: 'task_tracker',
      output: 'No task list found. Use the "plan" command to create one.',
      taskList: [],
    };
  }
  return { type: 'task_tracker', output: formatTaskList(taskList), taskList };
}
