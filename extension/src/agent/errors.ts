/**
 * @module The extension's errors, after anthropic's `src/core/error.ts`: one base class, one
 * class per HTTP failure kind built by {@link errorFromResponse}, and separate classes for
 * "no response", which callers handle differently (retry, tell the user the server is down).
 */
import { ErrorBodySchema } from '@handoff/protocol';
import type { ErrorBody, ErrorCode } from '@handoff/protocol';

/** Base of every error the extension raises on purpose; it knows how to show itself on the wire. */
export class HandoffError extends Error {
  override readonly name: string = 'HandoffError';
  constructor(
    /** Machine-readable reason, from the protocol's closed list. */
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }

  /** Structured context for the error body. */
  readonly details: Record<string, unknown> | undefined;

  /** The error as the webview channel carries it. */
  toErrorBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** Thrown when a server answered with an error status; `body` is its ErrorBody. */
export class ApiError extends HandoffError {
  override readonly name: string = 'ApiError';
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The server's error body (synthesised when it sent none). */
    readonly body: ErrorBody,
  ) {
    super(body.code, body.message, body.details ? { details: body.details } : undefined);
  }
}

/** Thrown on 400: the request did not match the server's schema. */
export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
}
/** Thrown on 401 or 403: the key is missing or wrong. */
export class AuthenticationError extends ApiError {
  override readonly name = 'AuthenticationError';
}
/** Thrown on 404: the conversation, sandbox or route does not exist. */
export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
}
/** Thrown on 409: the conversation is busy. */
export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
}
/** Thrown on 502, 503 or 504: a dependency (LLM, sandbox pool) cannot serve now. */
export class UnavailableError extends ApiError {
  override readonly name = 'UnavailableError';
}
/** Thrown on any other 5xx: the server broke; its log has the details. */
export class InternalServerError extends ApiError {
  override readonly name = 'InternalServerError';
}

/** Thrown when no response came back: connection refused, DNS failure, reset. */
export class ConnectionError extends HandoffError {
  override readonly name: string = 'ConnectionError';
  constructor(message: string, cause?: unknown) {
    super('connection_failed', message, { cause });
  }
}
/** Thrown when the server did not answer within the client's timeout. */
export class TimeoutError extends ConnectionError {
  override readonly name = 'TimeoutError';
}

/** Thrown when a 2xx response body does not match the protocol schema. */
export class InvalidResponseError extends HandoffError {
  override readonly name = 'InvalidResponseError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('internal_error', message, details ? { details } : undefined);
  }
}

/** Thrown when a setting or secret the user must provide is missing. */
export class NotConfiguredError extends HandoffError {
  override readonly name = 'NotConfiguredError';
  constructor(message: string) {
    super('not_configured', message);
  }
}

/** Thrown when a request needs a conversation and none is running. */
export class NoConversationError extends HandoffError {
  override readonly name = 'NoConversationError';
  constructor() {
    super('conversation_not_found', 'No conversation is running. Send a message to start one.');
  }
}

/** The message shown when a conversation's sandbox no longer exists. */
export const SANDBOX_GONE_MESSAGE =
  "This conversation's sandbox is gone: it is shown from the local archive, read-only. Start a new conversation to continue the work.";

/** Thrown when a message is sent to a conversation shown from the archive (its sandbox is gone). */
export class SandboxGoneError extends HandoffError {
  override readonly name = 'SandboxGoneError';
  constructor() {
    super('sandbox_not_found', SANDBOX_GONE_MESSAGE);
  }
}

/** Thrown into a start that a reset (new conversation) overtook. */
export class CancelledError extends HandoffError {
  override readonly name = 'CancelledError';
  constructor() {
    super('invalid_request', 'The conversation was replaced before it started.');
  }
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'unauthorized',
  404: 'route_not_found',
  409: 'conversation_busy',
  413: 'payload_too_large',
  502: 'llm_error',
  503: 'sandbox_unavailable',
};

/**
 * Maps an error response to its typed error. `body` is the parsed JSON (or undefined); when it
 * is not an ErrorBody, a body is made from the status so callers can always branch on `code`.
 */
export function errorFromResponse(status: number, body: unknown, what: string): ApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  const errorBody: ErrorBody = parsed.success
    ? parsed.data
    : {
        code: CODE_BY_STATUS[status] ?? 'internal_error',
        message: `${what} failed with HTTP ${String(status)}.`,
      };
  if (status === 400) return new BadRequestError(status, errorBody);
  if (status === 401 || status === 403) return new AuthenticationError(status, errorBody);
  if (status === 404) return new NotFoundError(status, errorBody);
  if (status === 409) return new ConflictError(status, errorBody);
  if (status === 502 || status === 503 || status === 504) return new UnavailableError(status, errorBody);
  if (status >= 500) return new InternalServerError(status, errorBody);
  return new ApiError(status, errorBody);
}

/** The wire form of any thrown value; unknown errors become `internal_error`. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof HandoffError) return error.toErrorBody();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_error', message: `Unexpected error: ${message}` };
}
