import type { Action, ActionEvent, MessageEvent, ObservationEvent } from '@handoff/protocol';
import type { LlmMessage, LlmToolCall } from '../llm/llm-client';
import { toolArgumentsOf, toolOutput } from '../tools/tools';
import type { ContextItem, HistoryItem } from './view';

/** What the model reads as the result of `finish` (it has no observation of its own). */
export const FINISH_TOOL_RESULT = 'Finished.';
/** What the model reads for a call that never got an observation (e.g. the server died mid-call). */
export const NOT_EXECUTED_TOOL_RESULT = 'The action has not been executed.';

type AssistantMessage = Extract<LlmMessage, { role: 'assistant' }>;

/**
 * Rebuilds the model's view of a conversation from its events, in the OpenAI chat shape:
 * user and agent messages, assistant tool calls and their tool results. It keeps the pairing
 * the providers insist on: every tool call is answered before the next non-tool message, so a
 * user message that arrived while commands ran is placed after their results.
 */
export function eventsToMessages(events: readonly HistoryItem[]): LlmMessage[] {
  return new HistoryBuilder().build(events);
}

class HistoryBuilder {
  readonly #out: LlmMessage[] = [];
  #open: AssistantMessage | undefined;
  readonly #pending = new Set<string>();
  /** Actions by id: how an observation is worded depends on the call it answers. */
  readonly #actions = new Map<string, Action>();
  #deferred: LlmMessage[] = [];
  #lastWasToolCall = false;
  #finishMessage: string | undefined;

  build(events: readonly HistoryItem[]): LlmMessage[] {
    for (const event of events) {
      const wasToolCall = this.#lastWasToolCall;
      this.#lastWasToolCall = false;
      if (event.type === 'action') this.#action(event, wasToolCall);
      else if (event.type === 'observation') this.#observation(event, wasToolCall);
      else if (event.type === 'message' || event.type === 'context') this.#message(event);
    }
    this.#answerPending(NOT_EXECUTED_TOOL_RESULT);
    this.#flushDeferred();
    return this.#out;
  }

  #assistantFor(thought: string, joinOpen: boolean): AssistantMessage {
    if (this.#open !== undefined && (joinOpen || this.#pending.size > 0)) return this.#open;
    const message: AssistantMessage = {
      role: 'assistant',
      content: thought === '' ? null : thought,
      toolCalls: [],
    };
    this.#out.push(message);
    this.#open = message;
    return message;
  }

  #action(event: ActionEvent, joinOpen: boolean): void {
    const call: LlmToolCall = {
      id: event.toolCallId,
      name: event.toolName,
      // What the model sent, verbatim: a re-serialized call can differ from what it was trained to continue.
      arguments: event.toolArguments ?? toolArgumentsOf(event.action),
    };
    this.#assistantFor(event.thought, joinOpen).toolCalls.push(call);
    this.#lastWasToolCall = true;
    this.#actions.set(event.actionId, event.action);
    if (event.action.type === 'finish') {
      this.#out.push({ role: 'tool', toolCallId: call.id, content: FINISH_TOOL_RESULT });
      this.#finishMessage = event.action.message;
    } else {
      this.#pending.add(call.id);
    }
  }

  #observation(event: ObservationEvent, joinOpen: boolean): void {
    if (!this.#pending.delete(event.toolCallId)) {
      // A call that was refused before it became an action (unknown tool, bad arguments): the
      // observation is all that was recorded, so the call is rebuilt from it.
      const call: LlmToolCall = { id: event.toolCallId, name: event.toolName, arguments: '{}' };
      this.#assistantFor('', joinOpen).toolCalls.push(call);
      this.#lastWasToolCall = true;
    }
    const content = toolOutput(this.#actions.get(event.actionId), event.observation);
    this.#out.push({ role: 'tool', toolCallId: event.toolCallId, content });
    if (this.#pending.size === 0) this.#flushDeferred();
  }

  #message(event: MessageEvent | ContextItem): void {
    if (
      event.type === 'message' &&
      event.source === 'agent' &&
      this.#finishMessage !== undefined &&
      this.#finishMessage === event.text
    ) {
      // The message `finish` produced is already in the transcript as the call's argument.
      this.#finishMessage = undefined;
      return;
    }
    this.#finishMessage = undefined;
    const message: LlmMessage =
      event.type === 'context' || event.source === 'user'
        ? { role: 'user', content: event.text }
        : { role: 'assistant', content: event.text, toolCalls: [] };
    if (this.#pending.size > 0) {
      this.#deferred.push(message);
      return;
    }
    this.#open = undefined;
    this.#out.push(message);
  }

  #answerPending(content: string): void {
    for (const id of this.#pending) this.#out.push({ role: 'tool', toolCallId: id, content });
    this.#pending.clear();
  }

  #flushDeferred(): void {
    if (this.#deferred.length === 0) return;
    this.#open = undefined;
    this.#out.push(...this.#deferred);
    this.#deferred = [];
  }
}
