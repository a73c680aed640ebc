import type { ErrorBody, ErrorCode } from '@handoff/protocol';
import { LlmError } from '../llm/llm-client';
import type { AgentRunContext, AgentRunResult } from './agent-context';
import { AgentStop, emit, emitState } from './agent-context';
import type { AgentRun } from './agent-run';
import { startRun } from './agent-run';
import { settlePendingActions } from './confirmation';
import { runStep } from './step';
import {
  INTERRUPTED_ACTION_MESSAGE,
  NOT_EXECUTED_AFTER_ERROR_MESSAGE,
  answerUnansweredActions,
} from './unanswered-actions';

/** Default cap on LLM calls per run. */
export const DEFAULT_MAX_ITERATIONS = 100;

/** The error code of the max-iterations stop. */
export const MAX_ITERATIONS_ERROR_CODE: ErrorCode = 'max_iterations_reached';

/** The reason given when the agent was interrupted. */
export const INTERRUPTED_REASON = 'Interrupted by the user.';

/**
 * The CodeAct loop: state `running`; actions that waited for confirmation are settled; then
 * steps until the model waits for the user or for a confirmation, calls `finish`, hits
 * `maxIterations` or the budget, gets stuck, fails or is interrupted. Every ending is recorded
 * as events (an error event where one applies, then the new state); the promise never rejects
 * for them.
 */
export async function runAgent(ctx: AgentRunContext): Promise<AgentRunResult> {
  await emitState(ctx.events, 'running');
  try {
    const run = await startRun(ctx);
    const pending = await settlePendingActions(run);
    if (pending === 'none' || pending === 'continue') return await loop(run);
    const state = await emitState(ctx.events, pending);
    return { finalState: pending, resumeAfterSeq: state.seq };
  } catch (error) {
    return await endWithFailure(ctx, error);
  }
}

async function loop(run: AgentRun): Promise<AgentRunResult> {
  const { ctx } = run;
  for (let iteration = 0; ; iteration += 1) {
    ctx.signal.throwIfAborted();
    if (iteration >= ctx.maxIterations) return stopAtMaxIterations(ctx);
    const step = await runStep(run);
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
  const finalState = error instanceof AgentStop ? error.state : 'error';
  await answerUnansweredActions(ctx.events, NOT_EXECUTED_AFTER_ERROR_MESSAGE);
  await emit(ctx.events, { type: 'error', source: 'environment', error: body });
  const state = await emitState(ctx.events, finalState, body.message);
  return { finalState, resumeAfterSeq: state.seq };
}

function describeFailure(ctx: AgentRunContext, error: unknown): ErrorBody {
  if (error instanceof AgentStop) {
    ctx.logger.info('Agent stopped', { code: error.code, reason: error.message });
    return { code: error.code, message: error.message };
  }
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
