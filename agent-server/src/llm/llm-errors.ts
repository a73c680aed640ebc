import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicApiError,
} from '@anthropic-ai/sdk';
import {
  APIConnectionError as OpenAiConnectionError,
  APIConnectionTimeoutError as OpenAiTimeoutError,
  APIError as OpenAiApiError,
} from 'openai';
import { redactText } from '../logger';
import type { LlmErrorKind } from './llm-client';
import { LlmError } from './llm-client';

/** An error of a call, with what the retry loop needs to know about it. */
export interface ClassifiedLlmError {
  error: LlmError;
  /** Worth another attempt: 408, 409, 429, 5xx, no connection, a timeout, an overloaded stream. */
  retryable: boolean;
  /** The provider's `retry-after-ms` / `retry-after`, in milliseconds, when it sent one. */
  retryAfterMs: number | undefined;
}

const KIND_LABEL: Record<LlmErrorKind, string> = {
  authentication: 'authentication failed; check the API key',
  rate_limit: 'rate limited or out of quota',
  bad_request: 'the request was refused',
  provider: 'the provider failed',
  connection: 'could not connect',
  timeout: 'timed out',
  invalid_response: 'invalid response',
  missing_api_key: 'no API key',
  context_overflow: "the prompt is longer than the model's context window",
};

/** Error types a provider sends inside a started stream that a new attempt may cure. */
const RETRYABLE_STREAM_ERRORS = new Set([
  'overloaded_error',
  'api_error',
  'server_error',
  'rate_limit_error',
]);

/**
 * Providers give no stable code for an over-long prompt (Anthropic: 400 "prompt is too long: …";
 * OpenAI-compatible servers: "maximum context length …"), so this one failure is recognised by
 * its wording; OpenAI's `context_length_exceeded` code is checked first.
 */
const CONTEXT_OVERFLOW_TEXT =
  /context[ _-]?length|context window|maximum context|prompt is too long|too many (input )?tokens|reduce the length of the (messages|prompt)/i;

type SdkApiError = OpenAiApiError | AnthropicApiError;

function kindOfStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return 'authentication';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'provider';
  return 'bad_request';
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The provider's own message: OpenAI's `error.message`, Anthropic's `error.error.message`. */
function providerMessage(error: SdkApiError): string {
  const body = error.error;
  const candidates = [field(body, 'message'), field(field(body, 'error'), 'message')];
  const found = candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  return redactText(found ?? error.message).slice(0, 500);
}

/** The error type the provider named (`overloaded_error`, `server_error`, …), if any. */
function providerErrorType(error: SdkApiError): string | undefined {
  const body = error.error;
  const type = field(field(body, 'error'), 'type') ?? field(body, 'type');
  return typeof type === 'string' && type !== 'error' ? type : undefined;
}

function isContextOverflow(error: SdkApiError, message: string): boolean {
  if (field(error.error, 'code') === 'context_length_exceeded') return true;
  return (error.status === 400 || error.status === 413) && CONTEXT_OVERFLOW_TEXT.test(message);
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date), as milliseconds. */
export function retryAfterMsOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get('retry-after');
  if (raw === null || raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function classifyApiError(error: SdkApiError): ClassifiedLlmError {
  const message = providerMessage(error);
  const status = error.status;
  if (status === undefined) {
    // An error event inside a stream that had started (Anthropic `event: error`, OpenAI `data: {"error": …}`).
    const type = providerErrorType(error) ?? 'error';
    const kind: LlmErrorKind = type === 'rate_limit_error' ? 'rate_limit' : 'provider';
    const text = `The model provider failed during the response (${type}): ${message}`;
    return {
      error: new LlmError(kind, text, { cause: error }),
      retryable: RETRYABLE_STREAM_ERRORS.has(type),
      retryAfterMs: undefined,
    };
  }
  const kind = isContextOverflow(error, message) ? 'context_overflow' : kindOfStatus(status);
  const text = `The model provider answered HTTP ${status} (${KIND_LABEL[kind]}): ${message}`;
  return {
    error: new LlmError(kind, text, { status, cause: error }),
    retryable: kind !== 'context_overflow' && isRetryableStatus(status),
    retryAfterMs: retryAfterMsOf(error.headers),
  };
}

/**
 * Maps an error of either SDK (or our own) to an {@link LlmError} and says whether to retry.
 * Every `secret` (the API key) is cut out of the message.
 */
export function classifyLlmError(error: unknown, secrets: readonly string[] = []): ClassifiedLlmError {
  const classified = classifyUnscrubbed(error);
  const scrubbed = scrub(classified.error.message, secrets);
  if (scrubbed === classified.error.message) return classified;
  const { kind, status, attempts } = classified.error;
  return {
    ...classified,
    error: new LlmError(kind, scrubbed, {
      ...(status === undefined ? {} : { status }),
      attempts,
      cause: error,
    }),
  };
}

function classifyUnscrubbed(error: unknown): ClassifiedLlmError {
  const plain = (kind: LlmErrorKind, message: string, retryable: boolean): ClassifiedLlmError => ({
    error: new LlmError(kind, message, { cause: error }),
    retryable,
    retryAfterMs: undefined,
  });
  if (error instanceof LlmError) {
    return {
      error,
      retryable: error.kind === 'timeout' || error.kind === 'connection',
      retryAfterMs: undefined,
    };
  }
  if (error instanceof OpenAiTimeoutError || error instanceof AnthropicTimeoutError) {
    return plain('timeout', 'The model provider did not answer in time (timed out).', true);
  }
  if (error instanceof OpenAiConnectionError || error instanceof AnthropicConnectionError) {
    return plain('connection', `Could not connect to the model provider: ${redactText(error.message)}`, true);
  }
  if (error instanceof OpenAiApiError || error instanceof AnthropicApiError) return classifyApiError(error);
  const text = error instanceof Error ? error.message : String(error);
  return plain('provider', `The model provider failed: ${redactText(text)}`, false);
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('[redacted]');
  return out;
}

/** Maps an SDK error to an {@link LlmError} whose message never contains the key. */
export function toLlmError(error: unknown, apiKey?: string): LlmError {
  return classifyLlmError(error, apiKey === undefined ? [] : [apiKey]).error;
}
