import type { LlmUsage } from '@handoff/protocol';

/**
 * @module The seam between the agent loop and a model provider. Messages follow the OpenAI
 * chat shape (system, user, assistant with tool calls, tool results), which every provider we
 * route to speaks.
 */

/** One tool call the model made. `arguments` is the raw JSON text the model produced. */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One message of the prompt. */
export type LlmMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls: LlmToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool the model may call: its LLM-facing name, description and JSON-schema parameters. */
export interface LlmToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One completion request. */
export interface LlmRequest {
  messages: LlmMessage[];
  tools: LlmToolDefinition[];
}

/** What the model answered, once the whole response has arrived. */
export interface LlmResponse {
  /** Assistant text (may be empty when it only called tools). */
  text: string;
  /** Tool calls in the order the model made them. */
  toolCalls: LlmToolCall[];
  /** The provider's finish reason, when it gave one. */
  finishReason?: string;
  /**
   * Tokens, cost (from the price table; 0 for an unpriced model) and latency of this call,
   * retries included. Always present: a provider that reports no usage gives zeros.
   */
  usage: LlmUsage;
}

/** Optional live callbacks while a response streams in; the final `LlmResponse` is the same. */
export interface LlmStreamHandlers {
  /** A piece of assistant text, in order. */
  onTextDelta?: (delta: string) => void;
  /** A piece of the model's visible reasoning (Anthropic thinking), in order. */
  onReasoningDelta?: (delta: string) => void;
  /**
   * An attempt failed and the client will try again after `delayMs`. Text and reasoning deltas
   * of the failed attempt were already delivered; the next attempt streams from the start.
   */
  onRetry?: (retry: LlmRetryInfo) => void;
}

/** What {@link LlmStreamHandlers.onRetry} is told. */
export interface LlmRetryInfo {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** Attempts allowed in all. */
  maxAttempts: number;
  /** Wait before the next attempt, in milliseconds. */
  delayMs: number;
  /** Why the attempt failed. */
  error: LlmError;
}

/** A model provider. */
export interface LlmClient {
  /**
   * Sends the prompt and resolves with the whole answer. Rejects with {@link LlmError} when the
   * provider fails (after the client's own retries), or with the abort reason once `signal` aborts.
   */
  complete(request: LlmRequest, signal: AbortSignal, handlers?: LlmStreamHandlers): Promise<LlmResponse>;
}

/** Why a completion failed. */
export type LlmErrorKind =
  | 'authentication'
  | 'rate_limit'
  | 'bad_request'
  | 'provider'
  | 'connection'
  | 'timeout'
  | 'invalid_response'
  | 'missing_api_key'
  /** The prompt is longer than the model's context window: condense and retry. */
  | 'context_overflow';

/**
 * Thrown by an {@link LlmClient} when the provider failed or refused. The message is for the
 * user and never contains the API key.
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  /** What kind of failure. */
  readonly kind: LlmErrorKind;
  /** The provider's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** Attempts made before giving up (1 when the failure was not retried). */
  readonly attempts: number;

  constructor(
    kind: LlmErrorKind,
    message: string,
    options: { status?: number; cause?: unknown; attempts?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
  }
}

/**
 * Stands in for the client of a conversation whose API key was lost: keys live only in memory,
 * so a conversation reloaded after a restart cannot call the model again.
 */
export class MissingApiKeyLlmClient implements LlmClient {
  complete(): Promise<LlmResponse> {
    return Promise.reject(
      new LlmError(
        'missing_api_key',
        'The API key of this conversation was kept only in memory and was lost when the agent server restarted. Start a new conversation to continue.',
      ),
    );
  }
}
