import { afterEach, describe, expect, it } from 'vitest';
import { LlmError } from './llm-client';
import { API_KEY, LlmFixture, REQUEST, rejectionOf } from './llm-test-support';

const fixture = new LlmFixture();
afterEach(() => fixture.close());
const signal = () => new AbortController().signal;

describe('OpenAiLlmClient against the scripted server', () => {
  it('streams text deltas and assembles tool calls', async () => {
    const bash = { command: 'ls -la "my dir"', security_risk: 'LOW' };
    await fixture.start([
      {
        text: 'Let me look around.',
        toolCalls: [
          { name: 'execute_bash', arguments: bash },
          { name: 'finish', arguments: { message: 'ok' } },
        ],
      },
    ]);
    const deltas: string[] = [];
    const response = await fixture.client('openai/gpt-4o').complete(REQUEST, signal(), {
      onTextDelta: (d) => deltas.push(d),
    });
    expect(response.text).toBe('Let me look around.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(response.text);
    expect(response.toolCalls.map((c) => [c.name, JSON.parse(c.arguments) as unknown])).toEqual([
      ['execute_bash', bash],
      ['finish', { message: 'ok' }],
    ]);
    expect(new Set(response.toolCalls.map((c) => c.id)).size).toBe(2);
    expect(response.finishReason).toBe('tool_calls');
  });

  it('sends messages and tools in OpenAI format, asks for usage, and uses the key as Bearer', async () => {
    await fixture.start([{ text: 'fine' }]);
    await fixture
      .client('openai/gpt-4o', { temperature: 0.5, maxOutputTokens: 100 })
      .complete(REQUEST, signal());
    const recorded = fixture.requests[0];
    expect(recorded?.path).toBe('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(recorded?.body).toMatchObject({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.5,
      max_completion_tokens: 100,
      messages: [
        { role: 'system', content: 'SYSTEM' },
        { role: 'user', content: 'list files' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call-1',
              type: 'function',
              function: { name: 'execute_bash', arguments: '{"command":"pwd"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call-1', content: '/workspace' },
      ],
    });
    const tools = recorded?.body['tools'] as { type: string; function: { name: string } }[];
    expect(tools.map((t) => [t.type, t.function.name])).toEqual([
      ['function', 'execute_bash'],
      ['function', 'finish'],
    ]);
  });

  it('sends no tools when the request has none', async () => {
    await fixture.start([{ text: 'fine' }]);
    await fixture.client('openai/gpt-4o').complete({ ...REQUEST, tools: [] }, signal());
    expect(fixture.requests[0]?.body).not.toHaveProperty('tools');
  });

  it('reports usage with cached tokens split out, priced from the table', async () => {
    await fixture.start([{ text: 'hi', usage: { input: 1000, output: 200, cacheRead: 3000 } }]);
    const { usage } = await fixture.client('openai/gpt-4o-2024-08-06').complete(REQUEST, signal());
    expect(usage).toMatchObject({
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadTokens: 3000,
      cacheWriteTokens: 0,
    });
    // gpt-4o: $2.50 in, $10 out, $1.25 cached per million tokens.
    expect(usage.costUsd).toBeCloseTo((1000 * 2.5 + 200 * 10 + 3000 * 1.25) / 1e6, 12);
    expect(usage.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('prices with the configured override, and an unknown model at 0', async () => {
    await fixture.start([
      { text: 'a', usage: { input: 1_000_000, output: 1_000_000, cacheRead: 1_000_000 } },
      { text: 'b', usage: { input: 500, output: 500 } },
    ]);
    const pricing = { inputPerMTok: 1, outputPerMTok: 2, cacheReadPerMTok: 0.5 };
    const priced = await fixture.client('openai/gpt-4o', { pricing }).complete(REQUEST, signal());
    expect(priced.usage.costUsd).toBeCloseTo(3.5, 12);
    const unknown = await fixture.client('openai-compatible/llama3').complete(REQUEST, signal());
    expect(unknown.usage).toMatchObject({ inputTokens: 500, outputTokens: 500, costUsd: 0 });
  });

  it('sends no Authorization header to a keyless compatible server', async () => {
    await fixture.start([{ text: 'hi' }]);
    await fixture.client('openai-compatible/llama3', { apiKey: undefined }).complete(REQUEST, signal());
    expect(fixture.requests[0]?.headers.authorization).toBeUndefined();
    expect(fixture.requests[0]?.body['model']).toBe('llama3');
  });

  it('routes azure to the deployment with the api version and the api-key header', async () => {
    await fixture.start([{ text: 'from azure' }, { text: 'again' }]);
    const azure = { apiVersion: '2024-10-21' };
    const byModel = await fixture.client('azure/gpt-4o', azure).complete(REQUEST, signal());
    expect(byModel.text).toBe('from azure');
    await fixture.client('azure/gpt-4o', { ...azure, deployment: 'prod-4o' }).complete(REQUEST, signal());
    const [first, second] = fixture.requests;
    expect(first?.path).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(first?.query).toBe('?api-version=2024-10-21');
    expect(first?.headers['api-key']).toBe(API_KEY);
    expect(first?.headers.authorization).toBeUndefined();
    expect(second?.path).toBe('/openai/deployments/prod-4o/chat/completions');
  });

  it('does not retry a 401, and keeps the key out of the message', async () => {
    await fixture.start([
      { error: { status: 401, message: `Incorrect API key provided: ${API_KEY}.`, type: 'invalid_api_key' } },
    ]);
    const error = await rejectionOf(fixture.client('openai/gpt-4o').complete(REQUEST, signal()));
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'authentication', status: 401, attempts: 1 });
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).not.toContain(API_KEY);
    expect(fixture.requests).toHaveLength(1);
  });

  it('retries a 500 and then succeeds, telling onRetry', async () => {
    await fixture.start([{ fault: 'server_error' }, { text: 'second try' }]);
    const retries: number[] = [];
    const response = await fixture
      .client('openai/gpt-4o')
      .complete(REQUEST, signal(), { onRetry: (r) => retries.push(r.attempt) });
    expect(response.text).toBe('second try');
    expect(retries).toEqual([1]);
    expect(fixture.requests).toHaveLength(2);
  });

  it('retries an error inside the stream', async () => {
    await fixture.start([{ fault: 'overloaded_mid_stream', text: 'par' }, { text: 'whole' }]);
    const response = await fixture.client('openai/gpt-4o').complete(REQUEST, signal());
    expect(response.text).toBe('whole');
  });

  it('gives up after the last attempt with a clear error', async () => {
    await fixture.start([{ fault: 'server_error' }, { fault: 'server_error' }, { fault: 'server_error' }]);
    const error = await rejectionOf(fixture.client('openai/gpt-4o').complete(REQUEST, signal()));
    expect(error).toMatchObject({ kind: 'provider', status: 500, attempts: 3 });
    expect((error as Error).message).toMatch(/HTTP 500 .*had an error.*gave up after 3 attempts/);
    expect(fixture.requests).toHaveLength(3);
  });

  it('fails a context overflow as context_overflow without retrying', async () => {
    await fixture.start([{ fault: 'context_overflow' }, { text: 'never' }]);
    const error = await rejectionOf(fixture.client('openai/gpt-4o').complete(REQUEST, signal()));
    expect(error).toMatchObject({ kind: 'context_overflow', status: 400, attempts: 1 });
    expect((error as Error).message).toContain('maximum context length');
    expect(fixture.requests).toHaveLength(1);
  });

  it('reports an exhausted script as a provider error', async () => {
    await fixture.start([]);
    const client = fixture.client('openai/gpt-4o', {}, { retry: { maxAttempts: 1 } });
    const error = await rejectionOf(client.complete(REQUEST, signal()));
    expect(error).toMatchObject({ kind: 'provider', status: 500 });
    expect((error as Error).message).toContain('script is exhausted');
  });
});
