import type { LlmRetryInfo } from './llm-client';
import { LlmError } from './llm-client';
import type { ClassifiedLlmError } from './llm-errors';

/**
 * How a client retries a failed call. Ours, not the SDKs' (theirs are off), so every provider
 * behaves the same: exponential backoff with jitter, capped, and the provider's `retry-after`
 * honoured up to `maxRetryAfterMs`.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** Wait before the second attempt (default 1 s). */
  initialDelayMs: number;
  /** Longest backoff wait (default 30 s). */
  maxDelayMs: number;
  /** Growth of the wait per attempt (default 2). */
  multiplier: number;
  /** Spread of each wait, as a fraction either side (default 0.2: ±20 %). */
  jitter: number;
  /** Longest wait a `retry-after` header can ask for (default 60 s). */
  maxRetryAfterMs: number;
}

/** The default policy: up to 5 attempts, 1 s → 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
  maxRetryAfterMs: 60_000,
});

/**
 * The wait after failed attempt `attempt` (1-based): the provider's `retry-after` when it sent
 * one (capped), else `initial × multiplier^(attempt-1)` with jitter, capped at `maxDelayMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base * spread)));
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What {@link withRetries} needs besides the attempt. */
export interface WithRetriesOptions {
  policy: RetryPolicy;
  signal: AbortSignal;
  classify: (error: unknown) => ClassifiedLlmError;
  onRetry?: ((retry: LlmRetryInfo) => void) | undefined;
}

/**
 * Runs `attempt` until it succeeds, a failure is not retryable, or the attempts run out; then
 * rejects with an {@link LlmError} that says how many attempts were made. An abort (during an
 * attempt or a wait) rejects with the abort reason at once.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  options: WithRetriesOptions,
): Promise<T> {
  const { policy, signal } = options;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const failure = options.classify(error);
      if (!failure.retryable || n >= policy.maxAttempts) throw finalError(failure.error, n);
      const delayMs = retryDelayMs(policy, n, failure.retryAfterMs);
      options.onRetry?.({ attempt: n, maxAttempts: policy.maxAttempts, delayMs, error: failure.error });
      await sleep(delayMs, signal);
    }
  }
}

function finalError(error: LlmError, attempts: number): LlmError {
  if (attempts === 1) return error;
  const message = `${error.message} (gave up after ${attempts} attempts)`;
  return new LlmError(error.kind, message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    attempts,
    cause: error.cause ?? error,
  });
}

/** Handed to an attempt run under {@link withIdleTimeout}. */
export interface AttemptControl {
  /** Aborts when the caller aborts or the provider has been silent too long. */
  signal: AbortSignal;
  /** Call on every piece of data received: it restarts the silence clock. */
  touch(): void;
}

/**
 * Runs one attempt that fails with a `timeout` {@link LlmError} when the provider sends nothing
 * for `idleTimeoutMs` (before the first byte or between two stream events: a stalled stream).
 * When `outer` aborts it rejects with the abort reason.
 */
export async function withIdleTimeout<T>(
  outer: AbortSignal,
  idleTimeoutMs: number,
  run: (control: AttemptControl) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const state = { timedOut: false };
  const expire = (): void => {
    state.timedOut = true;
    controller.abort(new LlmError('timeout', idleMessage(idleTimeoutMs)));
  };
  let timer = setTimeout(expire, idleTimeoutMs);
  const onAbort = (): void => {
    controller.abort(outer.reason);
  };
  outer.addEventListener('abort', onAbort, { once: true });
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(expire, idleTimeoutMs);
  };
  try {
    if (outer.aborted) throw outer.reason;
    const result = await run({ signal: controller.signal, touch });
    // The SDKs end a stream quietly when its signal aborts: a result then is a truncated one.
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (error) {
    if (outer.aborted) throw outer.reason;
    if (state.timedOut) throw new LlmError('timeout', idleMessage(idleTimeoutMs), { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}

function idleMessage(ms: number): string {
  return `The model provider sent nothing for ${ms} ms (timed out).`;
}
