import { describe, expect, it } from 'vitest';
import { formatRelativeTime, formatTokens, formatUsageTotal, formatUsd } from './format';

describe('format', () => {
  it('writes token counts compactly', () => {
    expect([0, 980, 1000, 12_345, 999_949, 4_500_000].map(formatTokens)).toEqual([
      '0',
      '980',
      '1k',
      '12.3k',
      '999.9k',
      '4.5M',
    ]);
  });

  it('writes dollars with four decimals below a dollar and two from a dollar up', () => {
    expect([0, 0.0123, 0.5, 1, 12.345].map(formatUsd)).toEqual([
      '$0.0000',
      '$0.0123',
      '$0.5000',
      '$1.00',
      '$12.35',
    ]);
  });

  it('sums every kind of token in the running total', () => {
    expect(
      formatUsageTotal({
        inputTokens: 10_000,
        outputTokens: 1_300,
        cacheReadTokens: 800,
        cacheWriteTokens: 200,
        costUsd: 0.0123,
        latencyMs: 1,
      }),
    ).toBe('$0.0123 · 12.3k tokens');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('says how long ago, in the largest unit that fits', () => {
    expect(formatRelativeTime('2026-01-10T11:59:40Z', now)).toBe('just now');
    expect(formatRelativeTime('2026-01-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelativeTime('2026-01-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelativeTime('2026-01-09T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelativeTime('2025-12-20T12:00:00Z', now)).toBe('3 weeks ago');
  });
});
