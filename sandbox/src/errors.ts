import { HTTP_STATUS_BY_ERROR_CODE } from '@handoff/protocol';
import type { ErrorCode } from '@handoff/protocol';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** What a `SandboxError` may carry besides its code and message. */
export interface SandboxErrorOptions {
  /** HTTP status; defaults to the protocol's status for `code`. */
  status?: ContentfulStatusCode;
  /** The underlying error, kept for the log, never sent. */
  cause?: unknown;
  /** Structured context sent in `ErrorBody.details` (e.g. zod issues). Never raw input. */
  details?: Record<string, unknown>;
}

/**
 * Thrown by the action server's own code for every failure that becomes an HTTP error:
 * bad requests, refused paths, failed auth. The one `app.onError` turns it into an `ErrorBody`.
 */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  /** Wire code; clients branch on it. */
  readonly code: ErrorCode;
  /** HTTP status sent with the error body. */
  readonly status: ContentfulStatusCode;
  /** Structured context for the error body. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: SandboxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? HTTP_STATUS_BY_ERROR_CODE[code];
    this.details = options.details;
  }
}
