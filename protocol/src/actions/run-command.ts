import { z } from 'zod';
import { WorkspaceChangeSchema } from '../workspace';

/** Name of a persistent shell session; `default` when absent. */
export const ShellSessionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "_" or "-"');

/**
 * A shell command the agent asks the sandbox to run (the `execute_bash` tool), in a persistent
 * bash session: `cd`, exported variables and functions persist between commands.
 */
export const RunCommandActionSchema = z
  .object({
    type: z.literal('run_command'),
    /**
     * The command. Empty: return the new output of the command still running. `C-c`, `C-d`,
     * `C-z` (any `C-<letter>`): send that control key to the running command.
     */
    command: z.string().max(100_000),
    /** Send `command` as input (keystrokes plus Enter) to the running command instead of running it. */
    isInput: z.boolean().optional(),
    /** The session to run in; sessions are created on first use. Default `default`. */
    session: ShellSessionNameSchema.optional(),
    /** Change to this directory (inside the workspace) before running. */
    cwd: z.string().min(1).optional(),
    /** Hard limit in seconds: after it the call returns (status `hard_timeout`) and the command is interrupted. */
    timeoutSec: z.number().positive().max(86_400).optional(),
    /** Soft limit: return after this many seconds without new output (status `no_change_timeout`); the command keeps running. Default 30. */
    noChangeTimeoutSec: z.number().positive().max(3600).optional(),
  })
  .strict();
/** A run-command action. */
export type RunCommandAction = z.infer<typeof RunCommandActionSchema>;

/** How a run-command call ended. */
export const RunCommandStatusSchema = z.enum([
  /** The command finished; `exitCode` is its status. */
  'completed',
  /** No new output for `noChangeTimeoutSec`; the command is still running. */
  'no_change_timeout',
  /** `timeoutSec` elapsed; the command was interrupted (C-c). */
  'hard_timeout',
  /** The call was aborted (client gone, interrupt); the command was interrupted. */
  'interrupted',
  /** Not executed: another command is still running in this session. */
  'busy',
  /** Empty command or `isInput` with nothing running in this session. */
  'no_running_command',
]);
/** A run-command status. */
export type RunCommandStatus = z.infer<typeof RunCommandStatusSchema>;

/** What running a command produced. A non-zero exit is data, not an error. */
export const RunCommandObservationSchema = z
  .object({
    type: z.literal('run_command'),
    /** The command as it was given. */
    command: z.string(),
    /** The session it ran in. */
    session: ShellSessionNameSchema,
    /** How the call ended. */
    status: RunCommandStatusSchema,
    /** Exit status when `status` is `completed` (128+n after signal n); -1 otherwise. */
    exitCode: z.number().int(),
    /** What the terminal showed, ANSI stripped, middle cut past the cap with a marker. */
    output: z.string(),
    /** True when a timeout ended the call (`no_change_timeout` or `hard_timeout`). */
    timedOut: z.boolean(),
    /** The session's working directory after the call. */
    cwd: z.string(),
    /** Workspace files this call created, modified or deleted (by anything). */
    changes: z.array(WorkspaceChangeSchema).optional(),
  })
  .strict();
/** A run-command observation. */
export type RunCommandObservation = z.infer<typeof RunCommandObservationSchema>;
