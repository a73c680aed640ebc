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
export class RuntimeApiError extends Error {
  override readonly name = 'RuntimeApiError';
  /** Machine-readable reason, sent as `ErrorBody.code`. */
  readonly code: ErrorCode;
  /** The HTTP status of the response. */
  readonly status: ErrorStatus;
  /** Sent as `ErrorBody.details`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: RuntimeApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? HTTP_STATUS_BY_ERROR_CODE[code];
    this.details = options.details;
  }
}

/** The `sandbox_not_found` error for `id`. */
export function sandboxNotFound(id: string): RuntimeApiError {
  return new RuntimeApiError('sandbox_not_found', `No sandbox with id "${id}" (it may have been stopped).`);
}

/** The `pool_exhausted` error for a limit of `max` running sandboxes. */
export function poolExhausted(max: number): RuntimeApiError {
  return new RuntimeApiError(
    'pool_exhausted',
    `All ${max} sandboxes are in use. Stop one with POST /stop (or raise HANDOFF_MAX_SANDBOXES), then try again.`,
    { details: { maxSandboxes: max } },
  );
}
