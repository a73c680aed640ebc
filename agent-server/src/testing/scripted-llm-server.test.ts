import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedLlmServer } from './scripted-llm-server';
import { pieces, startScriptedLlmServer } from './scripted-llm-server';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('scripted LLM server', () => {
  it('answers stream: false with a chat.completion, also without /v1', async () => {
    server = await startScriptedLlmServer([
      { text: 'hello', toolCalls: [{ name: 'finish', arguments: '{"message":"m"}' }] },
    ]);
    const response = await post(`${server.url.replace(/\/v1$/, '')}/chat/completions`, {
      model: 'm1',
      messages: [],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      model: string;
      choices: { message: unknown; finish_reason: string }[];
    };
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('m1');
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    expect(body.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'hello',
      tool_calls: [{ type: 'function', function: { name: 'finish', arguments: '{"message":"m"}' } }],
    });
    expect(server.requests[0]?.path).toBe('/chat/completions');
  });

  it('streams SSE chunks: role first, pieces, tool call head then arguments, finish reason, [DONE]', async () => {
    server = await startScriptedLlmServer([
      { text: 'abcdef', toolCalls: [{ name: 'execute_bash', arguments: { command: 'ls' } }] },
    ]);
    const text = await (
      await post(`${server.url}/chat/completions`, { model: 'm', stream: true, messages: [] })
    ).text();
    const events = text.trim().split('\n\n');
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map(
      (e) =>
        JSON.parse(e.replace(/^data: /, '')) as {
          object: string;
          choices: { delta: Record<string, unknown>; finish_reason: string | null }[];
        },
    );
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant' });
    const toolDeltas = chunks.flatMap(
      (c) =>
        (c.choices[0]?.delta['tool_calls'] as
          { id?: string; function?: { name?: string; arguments?: string } }[] | undefined) ?? [],
    );
    expect(toolDeltas[0]).toMatchObject({ function: { name: 'execute_bash', arguments: '' } });
    expect(toolDeltas[0]?.id).toBeTruthy();
    expect(toolDeltas.length).toBeGreaterThan(2);
    expect(toolDeltas.map((d) => d.function?.arguments ?? '').join('')).toBe('{"command":"ls"}');
    expect(chunks[chunks.length - 1]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('answers scripted errors and an exhausted script with OpenAI error bodies', async () => {
    server = await startScriptedLlmServer([
      { error: { status: 429, message: 'slow down', type: 'rate_limit_error' } },
    ]);
    const limited = await post(`${server.url}/chat/completions`, { model: 'm', messages: [] });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: { message: 'slow down', type: 'rate_limit_error', param: null, code: null },
    });
    const exhausted = await post(`${server.url}/chat/completions`, { model: 'm', messages: [] });
    expect(exhausted.status).toBe(500);
    expect(((await exhausted.json()) as { error: { message: string } }).error.message).toMatch(/exhausted/);
    expect((await post(`${server.url}/embeddings`, {})).status).toBe(404);
  });

  it('adds a usage chunk when asked, and reports scripted usage with cached tokens inside prompt_tokens', async () => {
    server = await startScriptedLlmServer([{ text: 'hi', usage: { input: 10, output: 3, cacheRead: 5 } }]);
    const body = { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [] };
    const events = (await (await post(`${server.url}/chat/completions`, body)).text()).trim().split('\n\n');
    const last = JSON.parse(events.at(-2)?.replace(/^data: /, '') ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 15, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 5 } },
    });
  });

  it('answers Anthropic Messages as JSON', async () => {
    server = await startScriptedLlmServer([
      {
        text: 'hello',
        toolCalls: [{ name: 'finish', arguments: { message: 'm' } }],
        usage: { input: 7, output: 2 },
      },
    ]);
    const response = await post(`${server.origin}/v1/messages`, {
      model: 'claude',
      max_tokens: 10,
      messages: [],
    });
    expect(await response.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'hello' },
        { type: 'tool_use', name: 'finish', input: { message: 'm' } },
      ],
      usage: {
        input_tokens: 7,
        output_tokens: 2,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(server.requests[0]).toMatchObject({ protocol: 'anthropic', path: '/v1/messages' });
  });

  it('streams Anthropic events in order: start, blocks with their deltas, message_delta, stop', async () => {
    server = await startScriptedLlmServer([
      { thinking: 'hmm', text: 'ok', toolCalls: [{ name: 'execute_bash', arguments: { command: 'ls' } }] },
    ]);
    const text = await (
      await post(`${server.origin}/v1/messages`, { model: 'c', stream: true, messages: [] })
    ).text();
    const events = text
      .trim()
      .split('\n\n')
      .map((e) => {
        const [name, data] = e.split('\n');
        const parsed = JSON.parse(data?.replace(/^data: /, '') ?? '{}') as {
          type: string;
          delta?: { type?: string };
        };
        expect(name).toBe(`event: ${parsed.type}`);
        return parsed.delta?.type === undefined ? parsed.type : `${parsed.type}:${parsed.delta.type}`;
      });
    expect(events.filter((e, i) => e !== events[i - 1])).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta:thinking_delta',
      'content_block_delta:signature_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta:text_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta:input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('injects faults in each protocol, one turn each', async () => {
    server = await startScriptedLlmServer([
      { fault: 'rate_limit', retryAfterSec: 7 },
      { fault: 'context_overflow' },
      { fault: 'server_error' },
      { fault: 'overloaded_mid_stream', text: 'Hi' },
    ]);
    const limited = await post(`${server.origin}/v1/messages`, { model: 'c', messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const overflow = await post(`${server.url}/chat/completions`, { model: 'm', messages: [] });
    expect(overflow.status).toBe(400);
    expect(await overflow.json()).toMatchObject({ error: { code: 'context_length_exceeded' } });
    const failed = await post(`${server.origin}/v1/messages`, { model: 'c', messages: [] });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    const overloaded = await post(`${server.origin}/v1/messages`, { model: 'c', stream: true, messages: [] });
    expect(overloaded.status).toBe(200);
    const stream = await overloaded.text();
    expect(stream).toContain('"text":"Hi"');
    expect(stream.trim().split('\n\n').at(-1)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    );
    expect(server.remaining).toBe(0);
  });

  it('splits text into ordered pieces', () => {
    expect(pieces('abcdefg')).toEqual(['abc', 'def', 'g']);
    expect(pieces('')).toEqual([]);
  });
});
