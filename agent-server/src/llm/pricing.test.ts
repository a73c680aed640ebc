import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from './pricing';
import { ZERO_LLM_USAGE } from '@handoff/protocol';
import { addUsage, ZERO_TOKENS } from './usage';

describe('pricing and usage', () => {
  it('matches the longest model prefix, ignoring a proxy route and case', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')?.inputPerMTok).toBe(0.15);
    expect(priceOf('gpt-4o-2024-08-06')?.inputPerMTok).toBe(2.5);
    expect(priceOf('o3-mini')?.inputPerMTok).toBe(1.1);
    expect(priceOf('claude-sonnet-4-5-20250929')?.cacheWritePerMTok).toBe(3.75);
    expect(priceOf('claude-opus-4-1-20250805')?.outputPerMTok).toBe(75);
    expect(priceOf('anthropic/Claude-3-5-Haiku-latest')?.inputPerMTok).toBe(0.8);
    expect(priceOf('llama3')).toBeUndefined();
  });

  it('prefers the override, and prices cache tokens at the input price when it has none', () => {
    const override = { inputPerMTok: 2, outputPerMTok: 4 };
    expect(priceOf('gpt-4o', override)).toBe(override);
    const tokens = { inputTokens: 1e6, outputTokens: 1e6, cacheReadTokens: 1e6, cacheWriteTokens: 1e6 };
    expect(costOf(tokens, override)).toBe(10);
    expect(costOf(tokens, undefined)).toBe(0);
    expect(costOf(ZERO_TOKENS, override)).toBe(0);
  });

  it('adds usages field by field', () => {
    const call = {
      inputTokens: 1,
      outputTokens: 2,
      cacheReadTokens: 3,
      cacheWriteTokens: 4,
      costUsd: 0.5,
      latencyMs: 10,
    };
    expect(addUsage(addUsage(ZERO_LLM_USAGE, call), call)).toEqual({
      inputTokens: 2,
      outputTokens: 4,
      cacheReadTokens: 6,
      cacheWriteTokens: 8,
      costUsd: 1,
      latencyMs: 20,
    });
  });
});
