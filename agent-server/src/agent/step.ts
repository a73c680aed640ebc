import { randomUUID } from 'node:crypto';
import type { ActionEvent } from '@handoff/protocol';
import type { LlmResponse, LlmToolCall } from '../llm/llm-client';
import { LlmError } from '../llm/llm-client';
import type { ParsedToolCall } from '../tools/tools';
import { parseToolCall } from '../tools/tools';
import { AgentStop, emit } from './agent-context';
import type { AgentRun } from './agent-run';
import type { Prompt } from './build-prompt';
import { buildPrompt, usesTextToolCalls } from './build-prompt';
import { callModel, checkBudget } from './call-model';
import { condense, nearsContextWindow } from './condenser';
import { needsConfirmation } from './confirmation';
import { executeActions } from './execute-actions';
import { detectStuck } from './stuck-detector';
import { parseTextToolCall } from './text-tool-calling';

export { AFTER_FINISH_MESSAGE } from './execute-actions';

/** How one step ended: keep going, or stop in a state that waits for the user. */
export interface StepResult {
  outcome: 'continue' | 'awaiting_user_input' | 'awaiting_confirmation' | 'finished';
  /** The highest `seq` the model saw in this step's prompt. */
  promptSeq: number;
}

/** Said when the history does not fit even after condensing. */
export const CONTEXT_WINDOW_EXCEEDED_MESSAGE =
  'The conversation no longer fits the model’s context window, even after condensing its history. Start a new conversation, or use a model with a larger context window.';

/**
 * One CodeAct step: stop if the budget is spent or the agent is stuck; condense when the prompt
 * nears the context window; call the model; then record its reply (it waits for the user) or
 * record its tool calls, wait for confirmation when the policy asks, and run them. `finish`
 * ends the task with the agent's final message.
 */
export async function runStep(run: AgentRun): Promise<StepResult> {
  checkBudget(run);
  const stuck = detectStuck(run.ctx.events.all());
  if (stuck !== undefined) throw new AgentStop('agent_stuck', stuck.reason, 'stuck');
  let prompt = buildPrompt(run);
  if (nearsContextWindow(run, prompt.estimatedTokens) && (await condense(run, 'context_limit'))) {
    checkBudget(run);
    prompt = buildPrompt(run);
  }
  const { response, promptSeq } = await completeStep(run, prompt);
  const calls = toolCallsOf(run, response);
  if (calls.length === 0) {
    await emit(run.events, { type: 'message', source: 'agent', text: response.text });
    return { outcome: 'awaiting_user_input', promptSeq };
  }
  const actions = await recordToolCalls(run, thoughtOf(run, response), calls);
  if (needsConfirmation(run.ctx.getConfirmationPolicy(), actions))
    return { outcome: 'awaiting_confirmation', promptSeq };
  const finish = await executeActions(run, actions);
  if (finish === undefined) return { outcome: 'continue', promptSeq };
  await emit(run.events, { type: 'message', source: 'agent', text: finish.message });
  return { outcome: 'finished', promptSeq };
}

/**
 * Calls the model; a context-overflow error condenses the history and tries once more
 * instead of failing (OpenHands' `CondensationRequest`).
 */
async function completeStep(
  run: AgentRun,
  prompt: Prompt,
): Promise<{ response: LlmResponse; promptSeq: number }> {
  try {
    return { response: await callModel(run, prompt.request, 'step'), promptSeq: prompt.promptSeq };
  } catch (error) {
    if (!isContextOverflow(error)) throw error;
    run.ctx.logger.info('The prompt overflowed the context window; condensing', { error });
  }
  if (!(await condense(run, 'context_overflow_error')))
    throw new AgentStop('context_window_exceeded', CONTEXT_WINDOW_EXCEEDED_MESSAGE);
  checkBudget(run);
  const retry = buildPrompt(run);
  try {
    return { response: await callModel(run, retry.request, 'step'), promptSeq: retry.promptSeq };
  } catch (error) {
    if (isContextOverflow(error))
      throw new AgentStop('context_window_exceeded', CONTEXT_WINDOW_EXCEEDED_MESSAGE);
    throw error;
  }
}

function isContextOverflow(error: unknown): boolean {
  return error instanceof LlmError && error.kind === 'context_overflow';
}

/** A call with its parse result. */
interface ParsedCall {
  call: LlmToolCall;
  parsed: ParsedToolCall;
}

/** The response's calls: native ones, or the one written in the text format. */
function toolCallsOf(run: AgentRun, response: LlmResponse): ParsedCall[] {
  if (!usesTextToolCalls(run)) {
    return withUniqueIds(response.toolCalls).map((call) => ({ call, parsed: parseToolCall(call) }));
  }
  const parsed = parseTextToolCall(response.text, run.ctx.tools, `toolu_${randomUUID()}`);
  if (parsed.call === undefined) return [];
  if (parsed.call.ok) return [{ call: parsed.call.call, parsed: parseToolCall(parsed.call.call) }];
  const call = { id: `toolu_${randomUUID()}`, name: parsed.call.name, arguments: '{}' };
  return [{ call, parsed: { ok: false, message: parsed.call.message } }];
}

/** The text that goes with the calls: in the text format, only what came before the call. */
function thoughtOf(run: AgentRun, response: LlmResponse): string {
  return usesTextToolCalls(run) ? parseTextToolCall(response.text, [], '').text : response.text;
}

/** Gives every call an id unique within the response; some compatible servers repeat or omit them. */
function withUniqueIds(calls: readonly LlmToolCall[]): LlmToolCall[] {
  const seen = new Set<string>();
  return calls.map((call) => {
    const id = call.id === '' || seen.has(call.id) ? `call_${randomUUID()}` : call.id;
    seen.add(id);
    return { ...call, id };
  });
}

/**
 * Records the calls in order: a valid call becomes an action event with the model's raw
 * arguments and its `security_risk` (the first one carries the assistant text as its thought),
 * a refused one becomes a `tool_error` observation at once. When no call is valid, the
 * assistant text is kept as an agent message.
 */
async function recordToolCalls(
  run: AgentRun,
  text: string,
  calls: readonly ParsedCall[],
): Promise<ActionEvent[]> {
  if (!calls.some(({ parsed }) => parsed.ok) && text.trim() !== '') {
    await emit(run.events, { type: 'message', source: 'agent', text });
  }
  let thought = text;
  const actions: ActionEvent[] = [];
  for (const { call, parsed } of calls) {
    const ids = { actionId: randomUUID(), toolName: call.name, toolCallId: call.id };
    if (parsed.ok) {
      const { action, securityRisk } = parsed;
      actions.push(
        await emit(run.events, {
          type: 'action',
          source: 'agent',
          ...ids,
          thought,
          action,
          toolArguments: call.arguments,
          securityRisk,
        }),
      );
      thought = '';
    } else {
      await emit(run.events, {
        type: 'observation',
        source: 'environment',
        ...ids,
        observation: { type: 'tool_error', message: parsed.message },
      });
    }
  }
  return actions;
}
