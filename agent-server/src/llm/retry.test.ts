import { describe, expect, it } from 'vitest';
import { LlmError } from './llm-client';
import { classifyLlmError, retryAfterMsOf } from './llm-errors';
import { DEFAULT_RETRY_POLICY, retryDelayMs, sleep, withIdleTimeout, withRetries } from './retry';

describe('retry policy', () => {
  it('backs off exponentially up to the cap, with jitter inside its bounds', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(policy, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, undefined, () => 0)).toBe(800);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, undefined, () => 1)).toBe(1200);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 10, undefined, () => 1)).toBe(30_000);
  });

  it('takes retry-after instead, capped', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 5000)).toBe(5000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 3_600_000)).toBe(60_000);
  });

  it('reads retry-after-ms, retry-after seconds and an HTTP date', () => {
    expect(retryAfterMsOf(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMsOf(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMsOf(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMsOf(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMsOf(undefined)).toBeUndefined();
  });

  it('sleep rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('does not retry what is not retryable, and counts the attempts of what is', async () => {
    const signal = new AbortController().signal;
    const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 1 };
    const classify = (error: unknown) => classifyLlmError(error);
    let calls = 0;
    const refused = withRetries(
      () => {
        calls += 1;
        return Promise.reject(new LlmError('bad_request', 'no'));
      },
      { policy, signal, classify },
    );
    await expect(refused).rejects.toMatchObject({ kind: 'bad_request', attempts: 1 });
    expect(calls).toBe(1);
    calls = 0;
    const flaky = withRetries(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new LlmError('connection', 'reset')) : Promise.resolve('ok');
      },
      { policy, signal, classify },
    );
    await expect(flaky).resolves.toBe('ok');
    expect(calls).toBe(3);
  });

  it('keeps secrets out of classified messages', () => {
    const { error } = classifyLlmError(new Error('failed with key abc-secret-123'), ['abc-secret-123']);
    expect(error.message).toBe('The model provider failed: failed with key [redacted]');
  });

  it('the idle timeout restarts on every touch', async () => {
    const result = await withIdleTimeout(new AbortController().signal, 80, async (control) => {
      for (let i = 0; i < 4; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        control.touch();
      }
      return 'done';
    });
    expect(result).toBe('done');
  });
});
