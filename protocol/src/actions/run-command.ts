import { z } from 'zod';

/** A shell command the agent asks the sandbox to run (the `execute_bash` tool). */
export const RunCommandActionSchema = z
  .object({
    type: z.literal('run_command'),
    /** Run with bash in the workspace, or in `cwd` inside it. */
    command: z.string().min(1),
    /** Directory to run in, relative to the workspace; the workspace root when absent. */
    cwd: z.string().min(1).optional(),
    /** Hard limit in seconds; the command is killed after it. */
    timeoutSec: z.number().positive().max(3600).optional(),
  })
  .strict();
/** A run-command action. */
export type RunCommandAction = z.infer<typeof RunCommandActionSchema>;

/** What running a command produced. A non-zero exit is data, not an error. */
export const RunCommandObservationSchema = z
  .object({
    type: z.literal('run_command'),
    /** The command as it was run. */
    command: z.string(),
    /** Exit status; -1 when the command was killed by the timeout. */
    exitCode: z.number().int(),
    /** stdout and stderr interleaved, as a terminal shows them. */
    output: z.string(),
    /** True when the hard timeout killed the command. */
    timedOut: z.boolean(),
    /** Working directory the command ran in. */
    cwd: z.string(),
  })
  .strict();
/** A run-command observation. */
export type RunCommandObservation = z.infer<typeof RunCommandObservationSchema>;
