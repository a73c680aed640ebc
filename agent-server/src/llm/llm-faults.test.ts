import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedLlmTurn } from '../testing/scripted-llm-server';
import { LlmFixture, REQUEST, rejectionOf } from './llm-test-support';

const fixture = new LlmFixture();
afterEach(() => fixture.close());

/** Every timing fault behaves the same through both SDKs. */
describe.each(['openai/gpt-4o', 'anthropic/claude-sonnet-4'])('%s: waits, stalls and aborts', (model) => {
  it('honours retry-after before the next attempt', async () => {
    await fixture.start([{ fault: 'rate_limit', retryAfterSec: 1 }, { text: 'after the wait' }]);
    const response = await fixture.client(model).complete(REQUEST, new AbortController().signal);
    expect(response.text).toBe('after the wait');
    const [first, second] = fixture.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1000);
    // The whole call, the wait included, is the latency.
    expect(response.usage.latencyMs).toBeGreaterThanOrEqual(1000);
  });

  it('honours retry-after-ms as well', async () => {
    await fixture.start([{ fault: 'rate_limit', retryAfterMs: 300 }, { text: 'ok' }]);
    await fixture.client(model).complete(REQUEST, new AbortController().signal);
    const [first, second] = fixture.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it('gives up on rate limits after the last attempt, as kind rate_limit', async () => {
    const limited: ScriptedLlmTurn = { fault: 'rate_limit', retryAfterMs: 1 };
    await fixture.start([limited, limited, limited]);
    const error = await rejectionOf(fixture.client(model).complete(REQUEST, new AbortController().signal));
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, attempts: 3 });
    expect((error as Error).message).toMatch(
      /HTTP 429 \(rate limited or out of quota\).*gave up after 3 attempts/,
    );
  });

  it('times out a stalled stream and retries it', async () => {
    await fixture.start([{ fault: 'stall', text: 'par' }, { text: 'recovered' }]);
    const client = fixture.client(model, {}, { idleTimeoutMs: 200 });
    const kinds: string[] = [];
    const response = await client.complete(REQUEST, new AbortController().signal, {
      onRetry: (r) => kinds.push(r.error.kind),
    });
    expect(response.text).toBe('recovered');
    expect(kinds).toEqual(['timeout']);
  });

  it('says it timed out when every attempt stalls', async () => {
    await fixture.start([{ fault: 'stall' }, { fault: 'stall' }]);
    const client = fixture.client(model, {}, { idleTimeoutMs: 100, retry: { maxAttempts: 2 } });
    const error = await rejectionOf(client.complete(REQUEST, new AbortController().signal));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect((error as Error).message).toContain('sent nothing for 100 ms (timed out)');
  });

  it('rejects with the abort reason when aborted during a stall', async () => {
    await fixture.start([{ fault: 'stall', text: 'thinking' }]);
    const controller = new AbortController();
    const reason = new Error('interrupted by the user');
    const pending = fixture.client(model).complete(REQUEST, controller.signal, {
      onTextDelta: () => {
        controller.abort(reason);
      },
    });
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with the abort reason when aborted during the backoff wait', async () => {
    await fixture.start([{ fault: 'rate_limit', retryAfterSec: 3600 }, { text: 'never' }]);
    const controller = new AbortController();
    const reason = new Error('paused');
    const pending = fixture
      .client(model, {}, { retry: { maxRetryAfterMs: 3_600_000 } })
      .complete(REQUEST, controller.signal, {
        onRetry: () => {
          controller.abort(reason);
        },
      });
    await expect(pending).rejects.toBe(reason);
    expect(fixture.requests).toHaveLength(1);
  });

  it('rejects at once when the signal is already aborted, without calling', async () => {
    await fixture.start([{ text: 'never' }]);
    const reason = new Error('gone');
    await expect(fixture.client(model).complete(REQUEST, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(fixture.requests).toHaveLength(0);
  });
});
