import type { LlmConfig } from '@handoff/protocol';
import type { TokenCounts } from './usage';

/** Prices of a model in US dollars per million tokens. */
export type ModelPrice = NonNullable<LlmConfig['pricing']>;

/**
 * Published list prices (USD per million tokens) of common models, matched by the longest key
 * that starts the model name, so `claude-sonnet-4-5-20250929` finds `claude-sonnet-4-5` and
 * `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini`. OpenAI bills no cache writes, so those fall back
 * to the input price (never charged, since OpenAI reports none).
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.075 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4, cacheReadPerMTok: 0.025 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2, cacheReadPerMTok: 0.025 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4, cacheReadPerMTok: 0.005 },
  o1: { inputPerMTok: 15, outputPerMTok: 60, cacheReadPerMTok: 7.5 },
  o3: { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4, cacheReadPerMTok: 0.55 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4, cacheReadPerMTok: 0.275 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25, cacheReadPerMTok: 0.5, cacheWritePerMTok: 6.25 },
  'claude-opus-4-6': { inputPerMTok: 5, outputPerMTok: 25, cacheReadPerMTok: 0.5, cacheWritePerMTok: 6.25 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-3-5-sonnet': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4, cacheReadPerMTok: 0.08, cacheWritePerMTok: 1 },
};

/**
 * The price of `model` (the provider's model name, without our `provider/` prefix): the override
 * when given, else the table's longest matching key, else undefined (the call then costs 0).
 * A routed name such as `anthropic/claude-sonnet-4` behind a proxy is matched by its last part.
 */
export function priceOf(model: string, override?: ModelPrice): ModelPrice | undefined {
  if (override !== undefined) return override;
  const name = (model.split('/').pop() ?? model).toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(MODEL_PRICES)) {
    if (name.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : MODEL_PRICES[best];
}

/** Dollars for `tokens` at `price`; 0 without a price. Cache prices default to the input price. */
export function costOf(tokens: TokenCounts, price: ModelPrice | undefined): number {
  if (price === undefined) return 0;
  const dollars =
    tokens.inputTokens * price.inputPerMTok +
    tokens.outputTokens * price.outputPerMTok +
    tokens.cacheReadTokens * (price.cacheReadPerMTok ?? price.inputPerMTok) +
    tokens.cacheWriteTokens * (price.cacheWritePerMTok ?? price.inputPerMTok);
  return dollars / 1_000_000;
}
