import { z } from 'zod';

/** Every error code that crosses the wire. Closed: adding one is a protocol change. */
export const ErrorCodeSchema = z.enum([
  /** The request body, query or frame did not match its schema. */
  'invalid_request',
  /** The request body is larger than the server accepts. */
  'payload_too_large',
  /** A key is missing or wrong. */
  'unauthorized',
  /** No route matches the method and path. */
  'route_not_found',
  /** The conversation does not exist on this agent server. */
  'conversation_not_found',
  /** The sandbox does not exist (or was stopped). */
  'sandbox_not_found',
  /** A workspace path the request names (inside the workspace) does not exist. */
  'path_not_found',
  /** The sandbox exists but cannot serve right now (or the provider is shutting down). */
  'sandbox_unavailable',
  /** A sandbox was asked for but could not be started; the details say which service failed. */
  'sandbox_start_failed',
  /** No sandbox can be started: the configured limit is reached. */
  'pool_exhausted',
  /** The Docker engine (or every engine) does not answer; runtime-api retries by itself. */
  'engine_unavailable',
  /** The requested image is not on the engine; build or pull it first. */
  'image_not_found',
  /** The conversation is busy with another run. */
  'conversation_busy',
  /** Too many sockets follow one conversation; try again later. */
  'too_many_subscribers',
  /** The agent used its iteration budget and stopped. */
  'max_iterations_reached',
  /** The conversation spent its dollar budget and stopped. */
  'budget_exceeded',
  /** Stuck detection stopped the agent. */
  'agent_stuck',
  /** A confirmation answer arrived but no action awaits confirmation. */
  'no_pending_confirmation',
  /** The history does not fit the model's context window, even after condensation. */
  'context_window_exceeded',
  /** The LLM provider failed or refused the request. */
  'llm_error',
  /** The action could not be executed by the sandbox. */
  'action_failed',
  /** The peer speaks an incompatible protocol version. */
  'incompatible_protocol',
  /** A client could not reach a server at all (refused, reset, timed out). */
  'connection_failed',
  /** A setting or secret the user must provide is missing. */
  'not_configured',
  /** Something unexpected broke on the server; the details are in its log. */
  'internal_error',
  /** A git command in the workspace failed; the message carries git's own reason. */
  'git_failed',
  /** The git remote refused the credentials, or they may not do this (HTTP 401/403 from the remote). */
  'git_permission_denied',
  /** The git remote has no such repository (or the credentials cannot see it). */
  'git_remote_not_found',
  /** The branch already exists on the remote; nothing was overwritten. */
  'branch_exists',
  /** There are no changes to commit. */
  'nothing_to_commit',
  /** The workspace is not in the state the request needs (e.g. clone into a non-empty folder, push without a clone). */
  'workspace_conflict',
]);
/** An error code. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The one error body every Handoff server returns, over HTTP and WebSocket. */
export const ErrorBodySchema = z
  .object({
    /** Machine-readable reason; branch on this, never on `message`. */
    code: ErrorCodeSchema,
    /** A sentence for a person: what went wrong and what to do. */
    message: z.string(),
    /** Structured context, e.g. the zod issues of an invalid request. */
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
/** An error body. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** The HTTP status that goes with each error code. */
export const HTTP_STATUS_BY_ERROR_CODE = {
  invalid_request: 400,
  payload_too_large: 413,
  unauthorized: 401,
  route_not_found: 404,
  conversation_not_found: 404,
  sandbox_not_found: 404,
  path_not_found: 404,
  sandbox_unavailable: 503,
  sandbox_start_failed: 503,
  pool_exhausted: 503,
  engine_unavailable: 503,
  image_not_found: 400,
  conversation_busy: 409,
  too_many_subscribers: 429,
  max_iterations_reached: 409,
  budget_exceeded: 409,
  agent_stuck: 409,
  no_pending_confirmation: 409,
  context_window_exceeded: 400,
  llm_error: 502,
  action_failed: 500,
  incompatible_protocol: 400,
  connection_failed: 502,
  not_configured: 400,
  internal_error: 500,
  git_failed: 502,
  git_permission_denied: 403,
  git_remote_not_found: 404,
  branch_exists: 409,
  nothing_to_commit: 409,
  workspace_conflict: 409,
} as const satisfies Record<ErrorCode, number>;
