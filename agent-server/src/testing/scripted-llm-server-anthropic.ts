import type { ServerResponse } from 'node:http';
import type { AnswerContext, ScriptedAnswer, ScriptedWire, WireError } from './scripted-llm-server-wire';
import { argumentsText, nextId, pieces, sendJson, startSse } from './scripted-llm-server-wire';

type Event = Record<string, unknown> & { type: string };

function stopReason(answer: ScriptedAnswer): 'tool_use' | 'end_turn' {
  return (answer.toolCalls?.length ?? 0) > 0 ? 'tool_use' : 'end_turn';
}

function startUsage({ usage }: AnswerContext): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    output_tokens: 1,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
  };
}

function messageShell(context: AnswerContext, id: string): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: startUsage(context),
  };
}

function message(answer: ScriptedAnswer, context: AnswerContext): unknown {
  const content: unknown[] = [];
  if (answer.thinking) content.push({ type: 'thinking', thinking: answer.thinking, signature: 'scripted' });
  if (answer.text) content.push({ type: 'text', text: answer.text, citations: null });
  for (const call of answer.toolCalls ?? []) {
    content.push({
      type: 'tool_use',
      id: nextId('toolu'),
      name: call.name,
      input: JSON.parse(argumentsText(call)) as unknown,
    });
  }
  return {
    ...messageShell(context, nextId('msg')),
    content,
    stop_reason: stopReason(answer),
    usage: { ...startUsage(context), output_tokens: context.usage.output },
  };
}

/** The content blocks of an answer as stream events: thinking, text, then each tool use. */
function blockEvents(answer: ScriptedAnswer): Event[] {
  const events: Event[] = [];
  const block = (start: Record<string, unknown>, deltas: Record<string, unknown>[]): void => {
    const index = events.filter((e) => e.type === 'content_block_start').length;
    events.push({ type: 'content_block_start', index, content_block: start });
    for (const delta of deltas) events.push({ type: 'content_block_delta', index, delta });
    events.push({ type: 'content_block_stop', index });
  };
  if (answer.thinking) {
    const deltas = pieces(answer.thinking).map((thinking) => ({ type: 'thinking_delta', thinking }));
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...deltas,
      { type: 'signature_delta', signature: 'scripted' },
    ]);
  }
  if (answer.text) {
    block(
      { type: 'text', text: '', citations: null },
      pieces(answer.text).map((text) => ({ type: 'text_delta', text })),
    );
  }
  for (const call of answer.toolCalls ?? []) {
    const deltas = pieces(argumentsText(call)).map((partial_json) => ({
      type: 'input_json_delta',
      partial_json,
    }));
    block({ type: 'tool_use', id: nextId('toolu'), name: call.name, input: {} }, deltas);
  }
  return events;
}

function write(res: ServerResponse, event: Event): void {
  res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

function stream(res: ServerResponse, answer: ScriptedAnswer, context: AnswerContext): void {
  startSse(res);
  write(res, { type: 'message_start', message: messageShell(context, nextId('msg')) });
  write(res, { type: 'ping' });
  for (const event of blockEvents(answer)) write(res, event);
  write(res, {
    type: 'message_delta',
    delta: { stop_reason: stopReason(answer), stop_sequence: null },
    usage: { output_tokens: context.usage.output },
  });
  write(res, { type: 'message_stop' });
  res.end();
}

function errorBody(error: WireError): unknown {
  return { type: 'error', error: { type: error.type, message: error.message } };
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/** Anthropic Messages, streaming (`event:` + `data:` SSE) or JSON. */
export const anthropicWire: ScriptedWire = {
  answer: (res, answer, context) => {
    if (context.stream) stream(res, answer, context);
    else sendJson(res, 200, message(answer, context));
  },
  error: (res, error, headers) => {
    sendJson(res, error.status, errorBody(error), headers);
  },
  openStream: (res, context, text) => {
    startSse(res);
    write(res, { type: 'message_start', message: messageShell(context, nextId('msg')) });
    if (text === '') return;
    write(res, {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '', citations: null },
    });
    write(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  },
  streamError: (res, error) => {
    res.end(`event: error\ndata: ${JSON.stringify(errorBody(error))}\n\n`);
  },
  faults: {
    rateLimit: {
      status: 429,
      type: 'rate_limit_error',
      message: 'This request would exceed the rate limit for your organization. Please try again later.',
    },
    serverError: { status: 500, type: 'api_error', message: 'Internal server error' },
    contextOverflow: {
      status: 400,
      type: 'invalid_request_error',
      message: 'prompt is too long: 210000 tokens > 200000 maximum',
    },
    overloaded: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
  },
  defaultErrorType: (status) =>
    TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
};
