import { randomUUID } from 'node:crypto';
import type { Action, TrackedTask } from '@handoff/protocol';
import { TrackedTaskSchema } from '@handoff/protocol';
import { z } from 'zod';
import type { Tool, ToolParseResult } from '../tool';
import { parseArguments } from '../tool';
import { TASK_TRACKER_DESCRIPTION } from './description';

/** The LLM-facing name (OpenHands `TASK_TRACKER_TOOL_NAME`). */
export const TASK_TRACKER_TOOL_NAME = 'task_tracker';

// OpenHands V1 `TaskTrackerAction` / `TaskItem` fields and descriptions.
const PARAMETERS = {
  type: 'object',
  properties: {
    command: {
      type: 'string',
      enum: ['view', 'plan'],
      description:
        'The command to execute. `view` shows the current task list. `plan` creates or updates the task list based on provided requirements and progress. Always `view` the current list before making changes.',
    },
    task_list: {
      type: 'array',
      description:
        'The full task list. Required parameter of `plan` command. When updating tasks, preserve the IDs returned by `view`; omit IDs only for new tasks.',
      items: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
            description:
              'A stable identifier for the task. Preserve it when updating an existing task; omit it only when creating a new task.',
          },
          title: { type: 'string', description: 'A brief title for the task.' },
          notes: { type: 'string', description: 'Additional details or notes about the task.' },
          status: {
            type: 'string',
            enum: ['todo', 'in_progress', 'done'],
            description: "The current status of the task. One of 'todo', 'in_progress', or 'done'.",
          },
        },
        required: ['title'],
        additionalProperties: false,
      },
    },
  },
  required: ['command'],
  additionalProperties: false,
};

const TaskItemSchema = z.object({
  id: z.string().min(1).max(100).optional(),
  title: TrackedTaskSchema.shape.title,
  notes: z.string().max(2000).optional(),
  status: TrackedTaskSchema.shape.status.default('todo'),
});

const ArgumentsSchema = z.object({
  command: z.enum(['view', 'plan']).default('view'),
  task_list: z.array(TaskItemSchema).max(200).optional(),
});

function toAction(args: Record<string, unknown>): ToolParseResult {
  const parsed = parseArguments(TASK_TRACKER_TOOL_NAME, [], ArgumentsSchema, args);
  if (!parsed.ok) return parsed;
  const { command, task_list: taskList } = parsed.value;
  if (command === 'view') return { ok: true, action: { type: 'task_tracker', command } };
  const tasks: TrackedTask[] = (taskList ?? []).map((task) => ({
    // OpenHands gives a new task a fresh id when the model leaves it out.
    id: task.id ?? randomUUID(),
    title: task.title,
    status: task.status,
    ...(task.notes === undefined || task.notes === '' ? {} : { notes: task.notes }),
  }));
  return { ok: true, action: { type: 'task_tracker', command, taskList: tasks } };
}

function toArguments(action: Action): Record<string, unknown> {
  if (action.type !== 'task_tracker') throw new Error(`task_tracker cannot replay a ${action.type} action.`);
  return action.taskList === undefined
    ? { command: action.command }
    : { command: action.command, task_list: action.taskList };
}

/** `task_tracker`: the agent's plan, viewed or replaced whole (OpenHands V1). */
export const taskTrackerTool: Tool = {
  name: TASK_TRACKER_TOOL_NAME,
  definition: () => ({
    name: TASK_TRACKER_TOOL_NAME,
    description: TASK_TRACKER_DESCRIPTION,
    parameters: PARAMETERS,
  }),
  toAction,
  toArguments,
};
