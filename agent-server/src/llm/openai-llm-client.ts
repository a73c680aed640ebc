import { randomUUID } from 'node:crypto';
import OpenAI, { AzureOpenAI } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { LlmClientOptions, LlmCallSettings, AttemptResult } from './llm-call';
import { callSettings, runLlmCall, sdkLogger } from './llm-call';
import type {
  LlmClient,
  LlmMessage,
  LlmRequest,
  LlmResponse,
  LlmStreamHandlers,
  LlmToolCall,
  LlmToolDefinition,
} from './llm-client';
import { LlmError } from './llm-client';
import type { LlmRoute } from './llm-route';
import { priceOf } from './pricing';
import type { AttemptControl } from './retry';
import type { TokenCounts } from './usage';
import { ZERO_TOKENS } from './usage';

export { toLlmError } from './llm-errors';

/** How to build an {@link OpenAiLlmClient}. */
export type OpenAiLlmClientOptions = LlmClientOptions;

/**
 * Calls an OpenAI Chat Completions endpoint (OpenAI itself, an Azure OpenAI deployment, or any
 * compatible server) with the official SDK, streaming, and assembles text, tool calls and usage
 * from the deltas. Retries are ours (see {@link runLlmCall}); the SDK's are off.
 */
export class OpenAiLlmClient implements LlmClient {
  readonly #client: OpenAI;
  readonly #route: LlmRoute;
  readonly #settings: LlmCallSettings;

  constructor(route: LlmRoute, options: OpenAiLlmClientOptions = {}) {
    this.#route = route;
    this.#settings = callSettings(options, {
      secrets: route.apiKey === undefined ? [] : [route.apiKey],
      price: priceOf(route.model, route.pricing),
      model: `${route.provider}/${route.model}`,
    });
    this.#client = buildSdkClient(route, this.#settings);
  }

  complete(request: LlmRequest, signal: AbortSignal, handlers: LlmStreamHandlers = {}): Promise<LlmResponse> {
    const params = this.#params(request);
    return runLlmCall(this.#settings, signal, handlers, (control) =>
      this.#attempt(params, control, handlers),
    );
  }

  async #attempt(
    params: ChatCompletionCreateParamsStreaming,
    control: AttemptControl,
    handlers: LlmStreamHandlers,
  ): Promise<AttemptResult> {
    const stream = await this.#client.chat.completions.create(params, { signal: control.signal });
    const accumulator = new CompletionAccumulator();
    for await (const chunk of stream) {
      control.touch();
      accumulator.add(chunk, handlers);
    }
    return accumulator.result();
  }

  #params(request: LlmRequest): ChatCompletionCreateParamsStreaming {
    const route = this.#route;
    const maxTokens = route.maxOutputTokens;
    return {
      model: route.model,
      messages: request.messages.map(toOpenAiMessage),
      ...(request.tools.length > 0 ? { tools: request.tools.map(toOpenAiTool) } : {}),
      ...(route.temperature === undefined ? {} : { temperature: route.temperature }),
      ...(maxTokens === undefined ? {} : maxTokensParam(route.provider, maxTokens)),
      stream: true,
      stream_options: { include_usage: true },
    };
  }
}

/**
 * o-series models on OpenAI accept only `max_completion_tokens`; older Azure API versions and
 * local servers (Ollama, LM Studio) know only `max_tokens`, deprecated by OpenAI but still theirs.
 */
function maxTokensParam(
  provider: LlmRoute['provider'],
  maxTokens: number,
): Pick<ChatCompletionCreateParamsStreaming, 'max_completion_tokens' | 'max_tokens'> {
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  return provider === 'openai' ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens };
}

/** The {@link LlmClient} of an OpenAI-style route, with our retries. */
export function createOpenAiLlmClient(route: LlmRoute, options: OpenAiLlmClientOptions = {}): LlmClient {
  return new OpenAiLlmClient(route, options);
}

function buildSdkClient(route: LlmRoute, settings: LlmCallSettings): OpenAI {
  // Everything is passed explicitly so the SDK never falls back to OPENAI_* / AZURE_* variables.
  const common = {
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: settings.idleTimeoutMs,
    logLevel: 'warn' as const,
    logger: sdkLogger(settings.logger),
  };
  if (route.provider === 'azure') {
    return new AzureOpenAI({
      ...common,
      baseURL: null,
      endpoint: route.baseUrl,
      apiKey: route.apiKey,
      apiVersion: route.apiVersion,
      deployment: route.deployment ?? route.model,
    });
  }
  return new OpenAI({
    ...common,
    // The SDK insists on a key; a keyless server gets a placeholder that is never sent (below).
    apiKey: route.apiKey ?? 'no-key',
    baseURL: route.baseUrl ?? 'https://api.openai.com/v1',
    // A keyless compatible server (a local model) gets no Authorization header at all.
    ...(route.apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
  });
}

function toOpenAiMessage(message: LlmMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls.length > 0
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
      };
  }
}

function toOpenAiTool(tool: LlmToolDefinition): ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

/** Reasoning text some compatible servers stream beside the content (vLLM, DeepSeek, Ollama). */
function reasoningOf(delta: object): string | undefined {
  const record = delta as { reasoning_content?: unknown; reasoning?: unknown };
  const value = record.reasoning_content ?? record.reasoning;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Assembles streamed deltas: text in order, tool calls by `index` (id and name first, arguments in pieces), usage last. */
export class CompletionAccumulator {
  #text = '';
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #finishReason: string | undefined;
  #tokens: TokenCounts = ZERO_TOKENS;

  add(chunk: ChatCompletionChunk, handlers: LlmStreamHandlers = {}): void {
    if (chunk.usage) this.#tokens = tokensOf(chunk.usage);
    const choice = chunk.choices[0];
    if (choice === undefined) return;
    const delta = choice.delta;
    if (typeof delta.content === 'string' && delta.content.length > 0) {
      this.#text += delta.content;
      handlers.onTextDelta?.(delta.content);
    }
    const reasoning = reasoningOf(delta);
    if (reasoning !== undefined) handlers.onReasoningDelta?.(reasoning);
    for (const part of delta.tool_calls ?? []) {
      const call = this.#calls.get(part.index) ?? { id: '', name: '', arguments: '' };
      if (part.id) call.id = part.id;
      if (part.function?.name && call.name === '') call.name = part.function.name;
      if (part.function?.arguments) call.arguments += part.function.arguments;
      this.#calls.set(part.index, call);
    }
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
  }

  result(): AttemptResult {
    const toolCalls: LlmToolCall[] = [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({ ...call, id: call.id || `call_${randomUUID()}` }));
    if (toolCalls.some((call) => call.name === '')) {
      throw new LlmError(
        'invalid_response',
        'The model provider streamed a tool call without a function name.',
      );
    }
    return {
      text: this.#text,
      toolCalls,
      ...(this.#finishReason === undefined ? {} : { finishReason: this.#finishReason }),
      tokens: this.#tokens,
    };
  }
}

/** OpenAI counts cached tokens inside `prompt_tokens`; ours are split. */
function tokensOf(usage: NonNullable<ChatCompletionChunk['usage']>): TokenCounts {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, usage.prompt_tokens - cached),
    outputTokens: usage.completion_tokens,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
}
