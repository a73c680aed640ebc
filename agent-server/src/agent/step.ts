import { randomUUID } from 'node:crypto';
import type { ActionEvent, FinishAction } from '@handoff/protocol';
import type { LlmResponse, LlmToolCall } from '../llm/llm-client';
import { executeInSandbox } from '../sandbox/execute-in-sandbox';
import { parseToolCall } from '../tools/tools';
import type { AgentRunContext } from './agent-context';
import { emit } from './agent-context';
import { eventsToMessages } from './history';

/** Said to the model for a call that came after `finish` in the same response. */
export const AFTER_FINISH_MESSAGE =
  'This action was not executed because `finish` was called before it in the same response.';

/** How one step ended: keep going, or stop in a state that waits for the user. */
export interface StepResult {
  outcome: 'continue' | 'awaiting_user_input' | 'finished';
  /** The highest `seq` the model saw in this step's prompt. */
  promptSeq: number;
}

/**
 * One CodeAct step: call the model with the whole history, then either record its reply (it
 * waits for the user) or record and run its tool calls in order. `finish` ends the task with
 * the agent's final message.
 */
export async function runStep(ctx: AgentRunContext): Promise<StepResult> {
  const history = ctx.events.all();
  const promptSeq = history[history.length - 1]?.seq ?? 0;
  const response = await ctx.llm.complete(
    {
      messages: [{ role: 'system', content: ctx.systemPrompt }, ...eventsToMessages(history)],
      tools: [...ctx.tools],
    },
    ctx.signal,
  );
  if (response.toolCalls.length === 0) {
    await emit(ctx.events, { type: 'message', source: 'agent', text: response.text });
    return { outcome: 'awaiting_user_input', promptSeq };
  }
  const actions = await recordToolCalls(ctx, response);
  const finish = await executeActions(ctx, actions);
  if (finish === undefined) return { outcome: 'continue', promptSeq };
  await emit(ctx.events, { type: 'message', source: 'agent', text: finish.message });
  return { outcome: 'finished', promptSeq };
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
 * Records the response's tool calls in order: a valid call becomes an action event (the first
 * one carries the assistant text as its thought), a refused one becomes a `tool_error`
 * observation at once. When no call is valid, the assistant text is kept as an agent message.
 */
async function recordToolCalls(ctx: AgentRunContext, response: LlmResponse): Promise<ActionEvent[]> {
  const calls = withUniqueIds(response.toolCalls).map((call) => ({ call, parsed: parseToolCall(call) }));
  if (!calls.some(({ parsed }) => parsed.ok) && response.text.trim() !== '') {
    await emit(ctx.events, { type: 'message', source: 'agent', text: response.text });
  }
  let thought = response.text;
  const actions: ActionEvent[] = [];
  for (const { call, parsed } of calls) {
    const ids = { actionId: randomUUID(), toolName: call.name, toolCallId: call.id };
    if (parsed.ok) {
      actions.push(
        await emit(ctx.events, { type: 'action', source: 'agent', ...ids, thought, action: parsed.action }),
      );
      thought = '';
    } else {
      await emit(ctx.events, {
        type: 'observation',
        source: 'environment',
        ...ids,
        observation: { type: 'tool_error', message: parsed.message },
      });
    }
  }
  return actions;
}

/**
 * Runs the recorded actions in order: `finish` is the agent server's, every other action goes
 * to the sandbox. Returns the `finish` action when there was one.
 */
async function executeActions(
  ctx: AgentRunContext,
  actions: readonly ActionEvent[],
): Promise<FinishAction | undefined> {
  let finish: FinishAction | undefined;
  for (const event of actions) {
    ctx.signal.throwIfAborted();
    const ids = { actionId: event.actionId, toolName: event.toolName, toolCallId: event.toolCallId };
    if (event.action.type === 'finish') {
      finish ??= event.action;
      continue;
    }
    const observation =
      finish === undefined
        ? await executeInSandbox(event.action, {
            sandbox: ctx.sandbox,
            signal: ctx.signal,
            requestId: event.actionId,
            logger: ctx.logger,
          })
        : { type: 'tool_error' as const, message: AFTER_FINISH_MESSAGE };
    await emit(ctx.events, { type: 'observation', source: 'environment', ...ids, observation });
  }
  return finish;
}
