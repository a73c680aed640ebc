import type { ErrorBody, ErrorCode } from '@handoff/protocol';
import { LlmError } from '../llm/llm-client';
import type { AgentRunContext, AgentRunResult } from './agent-context';
import { emit, emitState } from './agent-context';
import { runStep } from './step';
import {
  INTERRUPTED_ACTION_MESSAGE,
  NOT_EXECUTED_AFTER_ERROR_MESSAGE,
  answerUnansweredActions,
} from './unanswered-actions';

/** Default cap on LLM calls per run. */
export const DEFAULT_MAX_ITERATIONS = 100;

/**
 * The error code of the max-iterations stop. The protocol has no code of its own for it yet;
 * `internal_error` is the nearest, and the message says what happened.
 */
export const MAX_ITERATIONS_ERROR_CODE: ErrorCode = 'max_iterations_reached';

/** The reason given when the agent was interrupted. */
export const INTERRUPTED_REASON = 'Interrupted by the user.';

/**
 * The CodeAct loop: state `running`, then steps until the model waits for the user, calls
 * `finish`, hits `maxIterations`, fails or is interrupted. Every ending is recorded as events
 * (an error event where one applies, then the new state); the promise never rejects for them.
 */
export async function runAgent(ctx: AgentRunContext): Promise<AgentRunResult> {
  await emitState(ctx.events, 'running');
  try {
    return await loop(ctx);
  } catch (error) {
    return await endWithFailure(ctx, error);
  }
}

async function loop(ctx: AgentRunContext): Promise<AgentRunResult> {
  for (let iteration = 0; ; iteration += 1) {
    ctx.signal.throwIfAborted();
    if (iteration >= ctx.maxIterations) return stopAtMaxIterations(ctx);
    const step = await runStep(ctx);
    if (step.outcome !== 'continue') {
      await emitState(ctx.events, step.outcome);
      return { finalState: step.outcome, resumeAfterSeq: step.promptSeq };
    }
  }
}

async function stopAtMaxIterations(ctx: AgentRunContext): Promise<AgentRunResult> {
  const reason = `The agent reached the maximum of ${ctx.maxIterations} iterations. Send a message to let it continue.`;
  await emit(ctx.events, {
    type: 'error',
    source: 'environment',
    error: { code: MAX_ITERATIONS_ERROR_CODE, message: reason },
  });
  const state = await emitState(ctx.events, 'error', reason);
  return { finalState: 'error', resumeAfterSeq: state.seq };
}

async function endWithFailure(ctx: AgentRunContext, error: unknown): Promise<AgentRunResult> {
  if (ctx.signal.aborted) {
    await answerUnansweredActions(ctx.events, INTERRUPTED_ACTION_MESSAGE);
    const state = await emitState(ctx.events, 'paused', INTERRUPTED_REASON);
    return { finalState: 'paused', resumeAfterSeq: state.seq };
  }
  const body = describeFailure(ctx, error);
  await answerUnansweredActions(ctx.events, NOT_EXECUTED_AFTER_ERROR_MESSAGE);
  await emit(ctx.events, { type: 'error', source: 'environment', error: body });
  const state = await emitState(ctx.events, 'error', body.message);
  return { finalState: 'error', resumeAfterSeq: state.seq };
}

function describeFailure(ctx: AgentRunContext, error: unknown): ErrorBody {
  if (error instanceof LlmError) {
    ctx.logger.warn('LLM call failed', { error });
    return { code: 'llm_error', message: error.message };
  }
  ctx.logger.error('Agent loop failed', { error });
  return {
    code: 'internal_error',
    message: 'The agent loop failed unexpectedly; the agent server log has the details.',
  };
}
