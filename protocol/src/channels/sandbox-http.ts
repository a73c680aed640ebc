import { z } from 'zod';
import { ObservationSchema, SandboxActionSchema } from '../actions/action';
import { ShellSessionNameSchema } from '../actions/run-command';
import { DirectoryEntrySchema, WorkspaceChangeSchema } from '../workspace';

/** `GET /alive` of the action server and the agent server; reveals nothing else. */
export const AliveResponseSchema = z.object({ status: z.literal('ok') }).strict();
/** An alive response. */
export type AliveResponse = z.infer<typeof AliveResponseSchema>;

/** `POST /execute_action` body: one action to run in the sandbox. */
export const ExecuteActionRequestSchema = z
  .object({
    /** The action. */
    action: SandboxActionSchema,
  })
  .strict();
/** An execute-action request. */
export type ExecuteActionRequest = z.infer<typeof ExecuteActionRequestSchema>;

/**
 * `POST /execute_action` result. If the client disconnects before it, the action is
 * interrupted (a running command gets C-c).
 */
export const ExecuteActionResponseSchema = z
  .object({
    /** What the action produced. */
    observation: ObservationSchema,
  })
  .strict();
/** An execute-action response. */
export type ExecuteActionResponse = z.infer<typeof ExecuteActionResponseSchema>;

/** `POST /interrupt` body: interrupt the foreground command of a shell session. */
export const InterruptRequestSchema = z
  .object({
    /** The session; `default` when absent. */
    session: ShellSessionNameSchema.optional(),
  })
  .strict();
/** An interrupt request. */
export type InterruptRequest = z.infer<typeof InterruptRequestSchema>;

/** `POST /interrupt` result. */
export const InterruptResponseSchema = z
  .object({
    /** True when a command was running and got interrupted. */
    interrupted: z.boolean(),
  })
  .strict();
/** An interrupt response. */
export type InterruptResponse = z.infer<typeof InterruptResponseSchema>;

/** Query of `GET /files/list`, `GET /files/download` and `PUT /files/upload`. */
export const FilePathQuerySchema = z
  .object({
    /** Inside the workspace: absolute, or relative to the workspace root. Default: the root. */
    path: z.string().min(1).default('.'),
  })
  .strict();
/** A file-path query. */
export type FilePathQuery = z.infer<typeof FilePathQuerySchema>;

/** `GET /files/list` result: one directory, entries sorted directories first, then by name. */
export const DirectoryListingSchema = z
  .object({
    /** The absolute path listed. */
    path: z.string(),
    /** Its entries, hidden ones included. */
    entries: z.array(DirectoryEntrySchema),
  })
  .strict();
/** A directory listing. */
export type DirectoryListing = z.infer<typeof DirectoryListingSchema>;

/** `PUT /files/upload` result (the body is a tar stream extracted into `path`). */
export const UploadResponseSchema = z
  .object({
    /** The absolute directory extracted into. */
    path: z.string(),
    /** Regular files written. */
    files: z.number().int().nonnegative(),
    /** Bytes of file content written. */
    bytes: z.number().int().nonnegative(),
  })
  .strict();
/** An upload response. */
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

/** `POST /changes/scan` result: what changed in the workspace since the previous scan. */
export const ChangesResponseSchema = z
  .object({
    /** The changes, sorted by path. */
    changes: z.array(WorkspaceChangeSchema),
  })
  .strict();
/** A changes response. */
export type ChangesResponse = z.infer<typeof ChangesResponseSchema>;

/**
 * `PUT /environment` of the action server, and `PUT /api/sandbox/environment` of the agent server
 * (which passes it on): variables the agent's commands get from now on, set when runtime-api
 * claims a warm sandbox for a session. Existing shell sessions get them too. Replaces what an
 * earlier call set. Values are secrets: never logged, never echoed back.
 */
export const SetEnvironmentRequestSchema = z
  .object({
    /** Variable name to value; `HANDOFF_*` names are refused. */
    environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()),
  })
  .strict();
/** A set-environment request. */
export type SetEnvironmentRequest = z.infer<typeof SetEnvironmentRequestSchema>;

/** `PUT /environment` result: the names now set (never the values). */
export const SetEnvironmentResponseSchema = z
  .object({
    /** The variable names, sorted. */
    names: z.array(z.string()),
  })
  .strict();
/** A set-environment response. */
export type SetEnvironmentResponse = z.infer<typeof SetEnvironmentResponseSchema>;
