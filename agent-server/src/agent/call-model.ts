import { randomUUID } from 'node:crypto';
import type { Event, LlmUsage } from '@handoff/protocol';
import type { LlmRequest, LlmResponse, LlmStreamHandlers } from '../llm/llm-client';
import { ZERO_LLM_USAGE } from '@handoff/protocol';
import { addUsage } from '../llm/usage';
import { AgentStop, emit } from './agent-context';
import type { AgentRun } from './agent-run';

/** Why the model is called. */
export type CallPurpose = 'step' | 'condensation';

/** The conversation's LLM usage so far (the running total of the last usage event). */
export function usageSoFar(events: readonly Event[]): LlmUsage {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event?.type === 'llm_usage') return event.total;
  }
  return ZERO_LLM_USAGE;
}

/**
 * Stops the run when the conversation has spent its budget (OpenHands' `BudgetControlFlag`
 * wording, with the amounts in dollars).
 */
export function checkBudget(run: AgentRun): void {
  const limit = run.ctx.maxBudgetUsd;
  if (limit === undefined) return;
  const spent = usageSoFar(run.ctx.events.all()).costUsd;
  if (spent < limit) return;
  throw new AgentStop(
    'budget_exceeded',
    `Agent reached maximum budget for conversation. Current budget: $${spent.toFixed(4)}, max budget: $${limit.toFixed(4)}. Raise the budget to let it continue.`,
  );
}

/**
 * Calls the model with the run's signal, streams its text (secrets masked) to the listener,
 * and records the call's usage with the conversation's new total.
 */
export async function callModel(
  run: AgentRun,
  request: LlmRequest,
  purpose: CallPurpose,
): Promise<LlmResponse> {
  const { ctx } = run;
  const stream = purpose === 'step' ? streamHandlers(run) : { handlers: {}, flush: () => undefined };
  let response: LlmResponse;
  try {
    response = await ctx.llm.complete(request, ctx.signal, stream.handlers);
  } finally {
    stream.flush();
  }
  const total = addUsage(usageSoFar(ctx.events.all()), response.usage);
  await emit(run.events, {
    type: 'llm_usage',
    source: 'environment',
    model: ctx.llmConfig.model,
    purpose,
    call: response.usage,
    total,
  });
  return response;
}

/** Deltas of one response under a fresh id; a possible secret prefix is held until the next delta or the end. */
function streamHandlers(run: AgentRun): { handlers: LlmStreamHandlers; flush: () => void } {
  const listener = run.ctx.onStreamDelta;
  if (listener === undefined) return { handlers: {}, flush: () => undefined };
  const responseId = randomUUID();
  const send = (kind: 'text' | 'reasoning', delta: string, continues: boolean): void => {
    const masked = run.masker.maskPiece(`stream:${responseId}:${kind}`, delta, continues);
    if (masked !== '') listener({ type: 'stream_delta', responseId, kind, delta: masked });
  };
  return {
    handlers: {
      onTextDelta: (delta) => {
        send('text', delta, true);
      },
      onReasoningDelta: (delta) => {
        send('reasoning', delta, true);
      },
    },
    flush: () => {
      send('text', '', false);
      send('reasoning', '', false);
    },
  };
}
