import { z } from 'zod';
import { eventBaseShape } from './base';

/** Token counts, cost and latency of LLM calls. */
export const LlmUsageSchema = z
  .object({
    /** Prompt tokens not read from or written to the cache. */
    inputTokens: z.number().int().nonnegative(),
    /** Completion tokens. */
    outputTokens: z.number().int().nonnegative(),
    /** Prompt tokens read from the provider's prompt cache. */
    cacheReadTokens: z.number().int().nonnegative(),
    /** Prompt tokens written to the provider's prompt cache. */
    cacheWriteTokens: z.number().int().nonnegative(),
    /** Cost in US dollars from the price table (0 when the model has no price). */
    costUsd: z.number().nonnegative(),
    /** Wall time of the call(s) in milliseconds, retries included. */
    latencyMs: z.number().nonnegative(),
  })
  .strict();
/** LLM usage. */
export type LlmUsage = z.infer<typeof LlmUsageSchema>;

/** No tokens, no cost, no time: the start of every running total. */
export const ZERO_LLM_USAGE: LlmUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
  latencyMs: 0,
});

/** One LLM call finished: its usage and the conversation's running totals. */
export const LlmUsageEventSchema = z
  .object({
    ...eventBaseShape,
    type: z.literal('llm_usage'),
    /** The model called (`provider/model`). */
    model: z.string(),
    /** Why it was called: an agent step or a condensation summary. */
    purpose: z.enum(['step', 'condensation']),
    /** This call. */
    call: LlmUsageSchema,
    /** The conversation so far, this call included. */
    total: LlmUsageSchema,
  })
  .strict();
/** An LLM-usage event. */
export type LlmUsageEvent = z.infer<typeof LlmUsageEventSchema>;
