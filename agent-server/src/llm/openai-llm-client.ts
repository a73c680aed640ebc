import { randomUUID } from 'node:crypto';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Logger } from '../logger';
import { redactText, silentLogger } from '../logger';
import type {
  LlmClient,
  LlmErrorKind,
  LlmMessage,
  LlmRequest,
  LlmResponse,
  LlmStreamHandlers,
  LlmToolCall,
  LlmToolDefinition,
} from './llm-client';
import { LlmError } from './llm-client';
import type { LlmRoute } from './llm-route';

/** How to build an {@link OpenAiLlmClient}. */
export interface OpenAiLlmClientOptions {
  /** Retries of the SDK for connection errors, 408, 409, 429 and 5xx (default 2). */
  maxRetries?: number;
  /** Per-request timeout in milliseconds (default 10 minutes, the SDK's). */
  timeoutMs?: number;
  /** Where the SDK's own warnings go. */
  logger?: Logger;
}

/**
 * Calls an OpenAI Chat Completions endpoint (OpenAI itself or any compatible server) with the
 * official SDK, streaming, and assembles text and tool calls from the deltas.
 */
export class OpenAiLlmClient implements LlmClient {
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #apiKey: string | undefined;

  constructor(route: LlmRoute, options: OpenAiLlmClientOptions = {}) {
    const logger = options.logger ?? silentLogger;
    this.#model = route.model;
    this.#apiKey = route.apiKey;
    // Everything is passed explicitly so the SDK never falls back to OPENAI_* variables.
    this.#client = new OpenAI({
      // The SDK insists on a key; a keyless server gets a placeholder that is never sent (below).
      apiKey: route.apiKey ?? 'no-key',
      baseURL: route.baseUrl ?? 'https://api.openai.com/v1',
      organization: null,
      project: null,
      maxRetries: options.maxRetries ?? 2,
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      // A keyless compatible server (a local model) gets no Authorization header at all.
      ...(route.apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
      logLevel: 'warn',
      logger: {
        debug: (message: string) => {
          logger.debug(message);
        },
        info: (message: string) => {
          logger.info(message);
        },
        warn: (message: string) => {
          logger.warn(message);
        },
        error: (message: string) => {
          logger.error(message);
        },
      },
    });
  }

  async complete(
    request: LlmRequest,
    signal: AbortSignal,
    handlers: LlmStreamHandlers = {},
  ): Promise<LlmResponse> {
    try {
      const stream = await this.#client.chat.completions.create(
        {
          model: this.#model,
          messages: request.messages.map(toOpenAiMessage),
          ...(request.tools.length > 0 ? { tools: request.tools.map(toOpenAiTool) } : {}),
          stream: true,
        },
        { signal },
      );
      const accumulator = new CompletionAccumulator();
      for await (const chunk of stream) accumulator.add(chunk, handlers);
      return accumulator.result();
    } catch (error) {
      if (signal.aborted) throw error;
      throw toLlmError(error, this.#apiKey);
    }
  }
}

/** The {@link LlmClient} of a route, with the SDK's retries. */
export function createOpenAiLlmClient(route: LlmRoute, options: OpenAiLlmClientOptions = {}): LlmClient {
  return new OpenAiLlmClient(route, options);
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

/** Assembles streamed deltas: text in order, tool calls by `index` (id and name first, arguments in pieces). */
export class CompletionAccumulator {
  #text = '';
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #finishReason: string | undefined;

  add(chunk: ChatCompletionChunk, handlers: LlmStreamHandlers = {}): void {
    const choice = chunk.choices[0];
    if (choice === undefined) return;
    const delta = choice.delta;
    if (typeof delta.content === 'string' && delta.content.length > 0) {
      this.#text += delta.content;
      handlers.onTextDelta?.(delta.content);
    }
    for (const part of delta.tool_calls ?? []) {
      const call = this.#calls.get(part.index) ?? { id: '', name: '', arguments: '' };
      if (part.id) call.id = part.id;
      if (part.function?.name && call.name === '') call.name = part.function.name;
      if (part.function?.arguments) call.arguments += part.function.arguments;
      this.#calls.set(part.index, call);
    }
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
  }

  result(): LlmResponse {
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
    };
  }
}

function kindOfStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return 'authentication';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'provider';
  return 'bad_request';
}

const KIND_LABEL: Record<LlmErrorKind, string> = {
  authentication: 'authentication failed; check the API key',
  rate_limit: 'rate limited or out of quota',
  bad_request: 'the request was refused',
  provider: 'the provider failed',
  connection: 'could not connect',
  timeout: 'timed out',
  invalid_response: 'invalid response',
  missing_api_key: 'no API key',
};

function providerMessage(error: { error: unknown; message: string }): string {
  const body = error.error;
  const text =
    typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
      ? body.message
      : error.message;
  return redactText(text).slice(0, 500);
}

/** Maps an SDK error to an {@link LlmError} whose message never contains the key. */
export function toLlmError(error: unknown, apiKey?: string): LlmError {
  const scrub = (text: string): string => (apiKey ? text.split(apiKey).join('[redacted]') : text);
  if (error instanceof LlmError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', 'The model provider did not answer in time (timed out).', {
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return new LlmError(
      'connection',
      scrub(`Could not connect to the model provider: ${redactText(error.message)}`),
      { cause: error },
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const kind = kindOfStatus(error.status);
    const message = `The model provider answered HTTP ${error.status} (${KIND_LABEL[kind]}): ${providerMessage(error)}`;
    return new LlmError(kind, scrub(message), { status: error.status, cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new LlmError('provider', scrub(`The model provider failed: ${redactText(text)}`), { cause: error });
}
