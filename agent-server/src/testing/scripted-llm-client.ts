import type { LlmUsage } from '@handoff/protocol';
import type { LlmClient, LlmErrorKind, LlmRequest, LlmResponse, LlmStreamHandlers } from '../llm/llm-client';
import { LlmError } from '../llm/llm-client';
import { ZERO_LLM_USAGE } from '@handoff/protocol';

/** One scripted tool call; `arguments` is JSON-encoded when it is an object. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
  /** Defaults to `call_<n>`. */
  id?: string;
}

/** One scripted answer of a {@link ScriptedLlmClient}. */
export type ScriptedLlmStep =
  /** An answer; `usage` fields not given are 0 (so a step costs nothing unless it says so). */
  | { text?: string; toolCalls?: ScriptedToolCall[]; reasoning?: string; usage?: Partial<LlmUsage> }
  | { error: { kind?: LlmErrorKind; message: string; status?: number } }
  /** Never answers; rejects with the abort reason once the call's signal aborts. */
  | { waitForAbort: true };

/**
 * An in-process {@link LlmClient} that replays a script, one step per call, and records every
 * request (after OpenHands' `TestLLM.from_messages` and openai-agents' `scriptedModel`).
 * An exhausted script fails the call with a `provider` error that says so.
 */
export class ScriptedLlmClient implements LlmClient {
  /** Every request, in order. */
  readonly requests: LlmRequest[] = [];
  readonly #steps: ScriptedLlmStep[];
  #calls = 0;

  constructor(steps: readonly ScriptedLlmStep[]) {
    this.#steps = [...steps];
  }

  /** Steps not used yet. */
  get remaining(): number {
    return this.#steps.length;
  }

  complete(request: LlmRequest, signal: AbortSignal, handlers: LlmStreamHandlers = {}): Promise<LlmResponse> {
    this.requests.push(structuredClone(request));
    this.#calls += 1;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const step = this.#steps.shift();
    if (step === undefined) {
      return Promise.reject(
        new LlmError('provider', `ScriptedLlmClient: the script is exhausted (call ${this.#calls}).`),
      );
    }
    if ('waitForAbort' in step) return waitForAbort(signal);
    if ('error' in step) {
      const { kind = 'provider', message, status } = step.error;
      return Promise.reject(new LlmError(kind, message, status === undefined ? {} : { status }));
    }
    const text = step.text ?? '';
    if (step.reasoning !== undefined && step.reasoning !== '') handlers.onReasoningDelta?.(step.reasoning);
    if (text !== '') handlers.onTextDelta?.(text);
    const toolCalls = (step.toolCalls ?? []).map((call, index) => ({
      id: call.id ?? `call_${this.#calls}_${index}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    return Promise.resolve({
      text,
      toolCalls,
      finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      usage: { ...ZERO_LLM_USAGE, ...step.usage },
    });
  }
}

function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
