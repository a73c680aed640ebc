import { z } from 'zod';

/** One task of the agent's plan. */
export const TrackedTaskSchema = z
  .object({
    /** Stable id within the plan. */
    id: z.string().min(1).max(100),
    /** What the task is. */
    title: z.string().min(1).max(500),
    /** Where it stands. */
    status: z.enum(['todo', 'in_progress', 'done']),
    /** Free notes. */
    notes: z.string().max(2000).optional(),
  })
  .strict();
/** A tracked task. */
export type TrackedTask = z.infer<typeof TrackedTaskSchema>;

/** View or replace the agent's task list (the `task_tracker` tool). */
export const TaskTrackerActionSchema = z
  .object({
    type: z.literal('task_tracker'),
    /** `view` shows the list; `plan` replaces it with `taskList`. */
    command: z.enum(['view', 'plan']),
    /** `plan`: the whole new list. */
    taskList: z.array(TrackedTaskSchema).max(200).optional(),
  })
  .strict();
/** A task-tracker action. */
export type TaskTrackerAction = z.infer<typeof TaskTrackerActionSchema>;

/** The task list after the call. */
export const TaskTrackerObservationSchema = z
  .object({
    type: z.literal('task_tracker'),
    /** The text the model reads. */
    output: z.string(),
    /** The list as it stands now. */
    taskList: z.array(TrackedTaskSchema),
  })
  .strict();
/** A task-tracker observation. */
export type TaskTrackerObservation = z.infer<typeof TaskTrackerObservationSchema>;
