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

  it('splits text into ordered pieces', () => {
    expect(pieces('abcdefg')).toEqual(['abc', 'def', 'g']);
    expect(pieces('')).toEqual([]);
  });
});
