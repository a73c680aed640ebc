import { HTTP_STATUS_BY_ERROR_CODE } from '@handoff/protocol';
import type { ErrorBody, ErrorCode } from '@handoff/protocol';

/** What an `AgentServerError` may carry besides its code and message. */
export interface AgentServerErrorOptions {
  /** HTTP status; defaults to the protocol's status for the code. */
  status?: number;
  /** The underlying error, kept for the log, never sent. */
  cause?: unknown;
  /** Structured context sent in `ErrorBody.details`. Never raw input, never keys. */
  details?: Record<string, unknown>;
}

/**
 * Thrown by agent-server code for every failure a caller should see (unknown conversation,
 * invalid request, unsupported model). The HTTP error handler and the event socket turn it into
 * an `ErrorBody`; anything else that escapes is an `internal_error`.
 */
export class AgentServerError extends Error {
  override readonly name = 'AgentServerError';
  /** Wire code; clients branch on it. */
  readonly code: ErrorCode;
  /** HTTP status sent with the error body. */
  readonly status: number;
  /** Structured context for the error body. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AgentServerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? HTTP_STATUS_BY_ERROR_CODE[code];
    this.details = options.details;
  }

  /** The wire form of this error. */
  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/**
 * The error for an id that names no conversation on this server. Pass the id only once it has
 * passed `ConversationIdSchema`, so raw input is never echoed.
 */
export function conversationNotFound(id?: string): AgentServerError {
  const which = id === undefined ? 'that id' : `id "${id}"`;
  return new AgentServerError(
    'conversation_not_found',
    `No conversation with ${which} on this agent server.`,
  );
}
