import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { LlmResponse, LlmStreamHandlers, LlmToolCall } from './llm-client';
import { classifyLlmError } from './llm-errors';
import type { ModelPrice } from './pricing';
import { costOf } from './pricing';
import type { AttemptControl, RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY, withIdleTimeout, withRetries } from './retry';
import type { TokenCounts } from './usage';

/** How any of our SDK clients behaves around the provider call. */
export interface LlmClientOptions {
  /** Our retry policy (the SDKs' own retries are off); unspecified fields keep the defaults. */
  retry?: Partial<RetryPolicy>;
  /**
   * Fail an attempt (as a retryable `timeout`) when the provider sends nothing for this long:
   * no response headers, or no stream event, a stalled stream. Default 5 minutes.
   */
  idleTimeoutMs?: number;
  /** Retries and SDK warnings go here. */
  logger?: Logger;
}

/** Default silence before an attempt times out. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** One successful attempt, before usage is priced. */
export interface AttemptResult {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason?: string;
  tokens: TokenCounts;
}

/** The fixed settings of one client's calls. */
export interface LlmCallSettings {
  policy: RetryPolicy;
  idleTimeoutMs: number;
  logger: Logger;
  /** Cut out of every error message (the API key). */
  secrets: readonly string[];
  price: ModelPrice | undefined;
  /** `provider/model`, for log lines. */
  model: string;
}

/** Resolves the settings shared by the clients from their options. */
export function callSettings(
  options: LlmClientOptions,
  fixed: { secrets: readonly string[]; price: ModelPrice | undefined; model: string },
): LlmCallSettings {
  return {
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    logger: options.logger ?? silentLogger,
    ...fixed,
  };
}

/**
 * Runs one completion: attempts under the idle timeout, retried by the policy, then the usage of
 * the successful attempt priced, with the wall time of the whole call (retries included).
 */
export async function runLlmCall(
  settings: LlmCallSettings,
  signal: AbortSignal,
  handlers: LlmStreamHandlers,
  attempt: (control: AttemptControl) => Promise<AttemptResult>,
): Promise<LlmResponse> {
  const started = performance.now();
  const result = await withRetries(() => withIdleTimeout(signal, settings.idleTimeoutMs, attempt), {
    policy: settings.policy,
    signal,
    classify: (error) => classifyLlmError(error, settings.secrets),
    onRetry: (retry) => {
      settings.logger.warn('LLM call failed; retrying', {
        model: settings.model,
        attempt: retry.attempt,
        maxAttempts: retry.maxAttempts,
        delayMs: retry.delayMs,
        kind: retry.error.kind,
        status: retry.error.status,
      });
      handlers.onRetry?.(retry);
    },
  });
  const { tokens, ...answer } = result;
  return {
    ...answer,
    usage: {
      ...tokens,
      costUsd: costOf(tokens, settings.price),
      latencyMs: Math.round(performance.now() - started),
    },
  };
}

/** Routes an SDK's own log lines into ours. */
export function sdkLogger(logger: Logger) {
  return {
    debug: (message: string) => {
      logger.debug(message);
    },
    info: (message: string) => {
      logger.info(message);
    },
    warn: (message: string) => {
      logger.warn(message);
    },
    error: (message: string) => {
      logger.error(message);
    },
  };
}
