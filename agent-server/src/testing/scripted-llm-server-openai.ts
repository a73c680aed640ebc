import type { ServerResponse } from 'node:http';
import type { AnswerContext, ScriptedAnswer, ScriptedWire, WireError } from './scripted-llm-server-wire';
import { argumentsText, nextId, pieces, sendJson, startSse } from './scripted-llm-server-wire';

type Chunk = { delta: Record<string, unknown>; finish_reason: string | null };

function finishReason(answer: ScriptedAnswer): 'tool_calls' | 'stop' {
  return (answer.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop';
}

function usageBody({ usage }: AnswerContext): Record<string, unknown> {
  const prompt = usage.input + usage.cacheRead + usage.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output,
    total_tokens: prompt + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead },
  };
}

function completion(answer: ScriptedAnswer, context: AnswerContext): unknown {
  const toolCalls = (answer.toolCalls ?? []).map((call) => ({
    id: nextId('call'),
    type: 'function',
    function: { name: call.name, arguments: argumentsText(call) },
  }));
  const message = {
    role: 'assistant',
    content: answer.text ?? null,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: nextId('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: context.model,
    choices: [{ index: 0, message, finish_reason: finishReason(answer), logprobs: null }],
    usage: usageBody(context),
  };
}

/** Role, reasoning and text pieces, each tool call (id and name, then argument pieces), the finish reason. */
function chunks(answer: ScriptedAnswer): Chunk[] {
  const out: Chunk[] = [{ delta: { role: 'assistant', content: '' }, finish_reason: null }];
  for (const piece of pieces(answer.thinking ?? ''))
    out.push({ delta: { reasoning_content: piece }, finish_reason: null });
  for (const piece of pieces(answer.text ?? '')) out.push({ delta: { content: piece }, finish_reason: null });
  for (const [index, call] of (answer.toolCalls ?? []).entries()) {
    const head = {
      index,
      id: nextId('call'),
      type: 'function',
      function: { name: call.name, arguments: '' },
    };
    out.push({ delta: { tool_calls: [head] }, finish_reason: null });
    for (const piece of pieces(argumentsText(call)))
      out.push({ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null });
  }
  out.push({ delta: {}, finish_reason: finishReason(answer) });
  return out;
}

function writeChunk(
  res: ServerResponse,
  id: string,
  context: AnswerContext,
  extra: Record<string, unknown>,
): void {
  const chunk = {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: context.model,
    ...extra,
  };
  res.write(`data: ${JSON.stringify(chunk)}\n\n`);
}

function stream(
  res: ServerResponse,
  answer: ScriptedAnswer,
  context: AnswerContext,
  includeUsage: boolean,
): void {
  startSse(res);
  const id = nextId('chatcmpl');
  for (const { delta, finish_reason } of chunks(answer))
    writeChunk(res, id, context, { choices: [{ index: 0, delta, finish_reason, logprobs: null }] });
  if (includeUsage) writeChunk(res, id, context, { choices: [], usage: usageBody(context) });
  res.end('data: [DONE]\n\n');
}

/** OpenAI Chat Completions; usage rides in a last chunk only when `stream_options.include_usage`. */
export function openAiWire(includeUsage: boolean): ScriptedWire {
  return {
    answer: (res, answer, context) => {
      if (context.stream) stream(res, answer, context, includeUsage);
      else sendJson(res, 200, completion(answer, context));
    },
    error: (res, error: WireError, headers) => {
      const body = {
        error: { message: error.message, type: error.type, param: null, code: error.code ?? null },
      };
      sendJson(res, error.status, body, headers);
    },
    openStream: (res, context, text) => {
      startSse(res);
      const id = nextId('chatcmpl');
      const first = { role: 'assistant', content: text };
      writeChunk(res, id, context, {
        choices: [{ index: 0, delta: first, finish_reason: null, logprobs: null }],
      });
    },
    streamError: (res, error) => {
      res.end(
        `data: ${JSON.stringify({ error: { message: error.message, type: error.type, param: null, code: null } })}\n\n`,
      );
    },
    faults: {
      rateLimit: {
        status: 429,
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests per min (RPM). Please try again later.',
      },
      serverError: {
        status: 500,
        type: 'server_error',
        message: 'The server had an error while processing your request. Sorry about that!',
      },
      contextOverflow: {
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
      },
      overloaded: {
        status: 503,
        type: 'server_error',
        message: 'The server is overloaded. Please try again later.',
      },
    },
    defaultErrorType: (status) => (status >= 500 ? 'server_error' : 'invalid_request_error'),
  };
}
