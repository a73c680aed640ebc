import { HTTP_STATUS_BY_ERROR_CODE } from '@handoff/protocol';
import type { ErrorCode } from '@handoff/protocol';
/** An HTTP status that goes with some error code. */
export type ErrorStatus = (typeof HTTP_STATUS_BY_ERROR_CODE)[ErrorCode];
/** Options of a {@link RuntimeApiError}. */
export interface RuntimeApiErrorOptions {
  /** Overrides the status that goes with the code. */
  status?: ErrorStatus;
  /** Structured context for the caller; never keys or raw input. */
  details?: Record<string, unknown>;
  /** The underlying error, for the log. */
  cause?: unknown;
}
/** Thrown by runtime-api's own code for every failure that should reach the caller as an `ErrorBody`. */
export declare class RuntimeApiError extends Error {
  readonly name = 'RuntimeApiError';
  /** Machine-readable reason, sent as `ErrorBody.code`. */
  readonly code: ErrorCode;
  /** The HTTP status of the response. */
  readonly status: ErrorStatus;
  /** Sent as `ErrorBody.details`. */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, options?: RuntimeApiErrorOptions);
}
/** The `sandbox_not_found` error for `id`. */
export declare function sandboxNotFound(id: string): RuntimeApiError;
/** The `pool_exhausted` error for a limit of `max` running sandboxes. */
export declare function poolExhausted(max: number): RuntimeApiError;
