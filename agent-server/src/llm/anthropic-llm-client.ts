import Anthropic from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { toAnthropicPrompt } from './anthropic-messages';
import type { AttemptResult, LlmCallSettings, LlmClientOptions } from './llm-call';
import { callSettings, runLlmCall, sdkLogger } from './llm-call';
import type { LlmClient, LlmRequest, LlmResponse, LlmStreamHandlers, LlmToolCall } from './llm-client';
import type { LlmRoute } from './llm-route';
import { priceOf } from './pricing';
import type { AttemptControl } from './retry';
import type { TokenCounts } from './usage';
import { ZERO_TOKENS } from './usage';

/** How to build an {@link AnthropicLlmClient}. */
export interface AnthropicLlmClientOptions extends LlmClientOptions {
  /** Mark the stable prefix for Anthropic's prompt cache (default true). */
  promptCaching?: boolean;
}

/** Claude 3.7 and 4.x take long answers; older models stop at 8k. */
function defaultMaxTokens(model: string): number {
  return /claude-(3-7|(sonnet|opus|haiku)-4)/.test(model) ? 32_000 : 8192;
}

/**
 * Calls the Anthropic Messages API with the official SDK, streaming: text and thinking deltas
 * as they come, tool calls assembled from `input_json_delta`, usage with cache reads and writes.
 * Retries are ours (see {@link runLlmCall}), including an `overloaded_error` inside the stream.
 */
export class AnthropicLlmClient implements LlmClient {
  readonly #client: Anthropic;
  readonly #route: LlmRoute;
  readonly #settings: LlmCallSettings;
  readonly #cache: boolean;

  constructor(route: LlmRoute, options: AnthropicLlmClientOptions = {}) {
    this.#route = route;
    this.#cache = options.promptCaching ?? true;
    this.#settings = callSettings(options, {
      secrets: route.apiKey === undefined ? [] : [route.apiKey],
      price: priceOf(route.model, route.pricing),
      model: `${route.provider}/${route.model}`,
    });
    this.#client = new Anthropic({
      // Explicit key and URL, so the SDK never reads ANTHROPIC_* variables or credential files.
      apiKey: route.apiKey ?? 'no-key',
      baseURL: route.baseUrl ?? 'https://api.anthropic.com',
      maxRetries: 0,
      timeout: this.#settings.idleTimeoutMs,
      logLevel: 'warn',
      logger: sdkLogger(this.#settings.logger),
      // A keyless proxy gets no Authorization header at all.
      ...(route.apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
    });
  }

  complete(request: LlmRequest, signal: AbortSignal, handlers: LlmStreamHandlers = {}): Promise<LlmResponse> {
    const params = this.#params(request);
    return runLlmCall(this.#settings, signal, handlers, (control) =>
      this.#attempt(params, control, handlers),
    );
  }

  async #attempt(
    params: MessageCreateParamsStreaming,
    control: AttemptControl,
    handlers: LlmStreamHandlers,
  ): Promise<AttemptResult> {
    const stream = await this.#client.messages.create(params, { signal: control.signal });
    const accumulator = new MessageAccumulator();
    for await (const event of stream) {
      control.touch();
      accumulator.add(event, handlers);
    }
    return accumulator.result();
  }

  #params(request: LlmRequest): MessageCreateParamsStreaming {
    const route = this.#route;
    const prompt = toAnthropicPrompt(request, { cache: this.#cache });
    return {
      model: route.model,
      max_tokens: route.maxOutputTokens ?? defaultMaxTokens(route.model),
      messages: prompt.messages,
      ...(prompt.system === undefined ? {} : { system: prompt.system }),
      ...(prompt.tools.length > 0 ? { tools: prompt.tools } : {}),
      ...(route.temperature === undefined ? {} : { temperature: Math.min(1, route.temperature) }),
      stream: true,
    };
  }
}

/** Anthropic stop reasons in the OpenAI words the rest of the agent server uses. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
};

type Block =
  { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; id: string; name: string; json: string };

/** Assembles a streamed message: text and thinking in order, tool calls by block index, usage. */
export class MessageAccumulator {
  #text = '';
  readonly #blocks = new Map<number, Block>();
  #stopReason: string | undefined;
  #tokens: TokenCounts = ZERO_TOKENS;

  add(event: RawMessageStreamEvent, handlers: LlmStreamHandlers = {}): void {
    switch (event.type) {
      case 'message_start': {
        const usage = event.message.usage;
        this.#tokens = {
          inputTokens: usage.input_tokens,
          outputTokens: usage.output_tokens,
          cacheReadTokens: usage.cache_read_input_tokens ?? 0,
          cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
        };
        return;
      }
      case 'content_block_start':
        this.#start(event.index, event.content_block, handlers);
        return;
      case 'content_block_delta':
        this.#delta(event.index, event.delta, handlers);
        return;
      case 'message_delta':
        this.#messageDelta(event);
        return;
      case 'content_block_stop':
      case 'message_stop':
        return;
    }
  }

  #start(
    index: number,
    block: Extract<RawMessageStreamEvent, { type: 'content_block_start' }>['content_block'],
    handlers: LlmStreamHandlers,
  ): void {
    if (block.type === 'tool_use') {
      this.#blocks.set(index, { kind: 'tool', id: block.id, name: block.name, json: '' });
    } else if (block.type === 'thinking') {
      this.#blocks.set(index, { kind: 'thinking' });
      if (block.thinking !== '') handlers.onReasoningDelta?.(block.thinking);
    } else if (block.type === 'text') {
      this.#blocks.set(index, { kind: 'text' });
      this.#addText(block.text, handlers);
    }
  }

  #delta(
    index: number,
    delta: Extract<RawMessageStreamEvent, { type: 'content_block_delta' }>['delta'],
    handlers: LlmStreamHandlers,
  ): void {
    if (delta.type === 'text_delta') this.#addText(delta.text, handlers);
    else if (delta.type === 'thinking_delta' && delta.thinking !== '')
      handlers.onReasoningDelta?.(delta.thinking);
    else if (delta.type === 'input_json_delta') {
      const block = this.#blocks.get(index);
      if (block?.kind === 'tool') block.json += delta.partial_json;
    }
  }

  #addText(text: string, handlers: LlmStreamHandlers): void {
    if (text === '') return;
    this.#text += text;
    handlers.onTextDelta?.(text);
  }

  /** `message_delta` counts are cumulative; a null keeps what `message_start` said. */
  #messageDelta(event: Extract<RawMessageStreamEvent, { type: 'message_delta' }>): void {
    if (event.delta.stop_reason) this.#stopReason = event.delta.stop_reason;
    const usage = event.usage;
    this.#tokens = {
      inputTokens: usage.input_tokens ?? this.#tokens.inputTokens,
      outputTokens: usage.output_tokens,
      cacheReadTokens: usage.cache_read_input_tokens ?? this.#tokens.cacheReadTokens,
      cacheWriteTokens: usage.cache_creation_input_tokens ?? this.#tokens.cacheWriteTokens,
    };
  }

  result(): AttemptResult {
    const toolCalls: LlmToolCall[] = [...this.#blocks.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([, block]) =>
        block.kind === 'tool'
          ? [{ id: block.id, name: block.name, arguments: block.json === '' ? '{}' : block.json }]
          : [],
      );
    const finishReason =
      this.#stopReason === undefined ? undefined : (FINISH_REASONS[this.#stopReason] ?? this.#stopReason);
    return {
      text: this.#text,
      toolCalls,
      ...(finishReason === undefined ? {} : { finishReason }),
      tokens: this.#tokens,
    };
  }
}
