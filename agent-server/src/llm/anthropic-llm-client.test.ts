import { afterEach, describe, expect, it } from 'vitest';
import type { LlmRequest } from './llm-client';
import { API_KEY, LlmFixture, REQUEST, rejectionOf } from './llm-test-support';

const fixture = new LlmFixture();
afterEach(() => fixture.close());
const signal = () => new AbortController().signal;

describe('AnthropicLlmClient against the scripted server', () => {
  it('streams text and thinking deltas and assembles tool_use blocks from input_json_delta', async () => {
    const bash = { command: 'ls -la "my dir"', security_risk: 'LOW' };
    await fixture.start([
      {
        thinking: 'I should list the files.',
        text: 'Let me look around.',
        toolCalls: [
          { name: 'execute_bash', arguments: bash },
          { name: 'finish', arguments: { message: 'ok' } },
        ],
      },
    ]);
    const text: string[] = [];
    const reasoning: string[] = [];
    const response = await fixture.client('anthropic/claude-sonnet-4-6').complete(REQUEST, signal(), {
      onTextDelta: (d) => text.push(d),
      onReasoningDelta: (d) => reasoning.push(d),
    });
    expect(response.text).toBe('Let me look around.');
    expect(text.length).toBeGreaterThan(1);
    expect(text.join('')).toBe(response.text);
    expect(reasoning.join('')).toBe('I should list the files.');
    expect(response.toolCalls.map((c) => [c.name, JSON.parse(c.arguments) as unknown])).toEqual([
      ['execute_bash', bash],
      ['finish', { message: 'ok' }],
    ]);
    expect(response.toolCalls.every((c) => c.id.startsWith('toolu'))).toBe(true);
    expect(response.finishReason).toBe('tool_calls');
  });

  it('converts the history: system apart, tool results as user blocks, same-role turns merged', async () => {
    await fixture.start([{ text: 'ok' }]);
    const request: LlmRequest = {
      ...REQUEST,
      messages: [
        ...REQUEST.messages,
        { role: 'user', content: 'and now?' },
        { role: 'assistant', content: 'Done.', toolCalls: [] },
        { role: 'user', content: 'thanks' },
      ],
    };
    await fixture.client('anthropic/claude-sonnet-4', { maxOutputTokens: 1000 }).complete(request, signal());
    const recorded = fixture.requests[0];
    expect(recorded?.path).toBe('/v1/messages');
    expect(recorded?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(recorded?.body).toMatchObject({
      model: 'claude-sonnet-4',
      max_tokens: 1000,
      stream: true,
      system: [{ type: 'text', text: 'SYSTEM' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'list files' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call-1', name: 'execute_bash', input: { command: 'pwd' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call-1', content: '/workspace' },
            { type: 'text', text: 'and now?' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
        { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
      ],
    });
    const tools = recorded?.body['tools'] as { name: string; input_schema: { type: string } }[];
    expect(tools.map((t) => [t.name, t.input_schema.type])).toEqual([
      ['execute_bash', 'object'],
      ['finish', 'object'],
    ]);
  });

  it('marks the stable prefix for prompt caching: tools, system, the last message', async () => {
    await fixture.start([{ text: 'ok' }]);
    await fixture.client('anthropic/claude-sonnet-4').complete(REQUEST, signal());
    const body = fixture.requests[0]?.body as {
      system: { cache_control?: unknown }[];
      tools: { cache_control?: unknown }[];
      messages: { content: { cache_control?: unknown }[] }[];
    };
    const ephemeral = { type: 'ephemeral' };
    expect(body.system.at(-1)?.cache_control).toEqual(ephemeral);
    expect(body.tools.map((t) => t.cache_control)).toEqual([undefined, ephemeral]);
    const marked = body.messages.flatMap((m) => m.content).filter((b) => b.cache_control !== undefined);
    expect(marked).toEqual([
      { type: 'tool_result', tool_use_id: 'call-1', content: '/workspace', cache_control: ephemeral },
    ]);
  });

  it('reports cache reads and writes, priced from the table or the override', async () => {
    const usage = { input: 100, output: 50, cacheRead: 20_000, cacheWrite: 4000 };
    await fixture.start([
      { text: 'a', usage },
      { text: 'b', usage },
    ]);
    const first = await fixture.client('anthropic/claude-sonnet-4-20250514').complete(REQUEST, signal());
    expect(first.usage).toMatchObject({
      inputTokens: 100,
      outputTokens: 50,
      cacheReadTokens: 20_000,
      cacheWriteTokens: 4000,
    });
    // claude-sonnet-4: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million tokens.
    expect(first.usage.costUsd).toBeCloseTo((100 * 3 + 50 * 15 + 20_000 * 0.3 + 4000 * 3.75) / 1e6, 12);
    const pricing = { inputPerMTok: 1, outputPerMTok: 1 };
    const second = await fixture.client('anthropic/claude-sonnet-4', { pricing }).complete(REQUEST, signal());
    expect(second.usage.costUsd).toBeCloseTo(24_150 / 1e6, 12);
  });

  it('retries an overloaded_error that arrives inside the stream', async () => {
    await fixture.start([{ fault: 'overloaded_mid_stream', text: 'Hal' }, { text: 'Hello' }]);
    const retries: string[] = [];
    const response = await fixture
      .client('anthropic/claude-sonnet-4')
      .complete(REQUEST, signal(), { onRetry: (r) => retries.push(r.error.message) });
    expect(response.text).toBe('Hello');
    expect(retries).toEqual([expect.stringContaining('overloaded_error') as string]);
    expect(fixture.requests).toHaveLength(2);
  });

  it('gives up on a stream that stays overloaded, saying so', async () => {
    await fixture.start([
      { fault: 'overloaded_mid_stream' },
      { fault: 'overloaded_mid_stream' },
      { fault: 'overloaded_mid_stream' },
    ]);
    const error = await rejectionOf(fixture.client('anthropic/claude-sonnet-4').complete(REQUEST, signal()));
    expect(error).toMatchObject({ kind: 'provider', attempts: 3 });
    expect((error as Error).message).toMatch(/overloaded_error.*Overloaded.*gave up after 3 attempts/);
  });

  it('fails "prompt is too long" as context_overflow without retrying', async () => {
    await fixture.start([{ fault: 'context_overflow' }, { text: 'never' }]);
    const error = await rejectionOf(fixture.client('anthropic/claude-sonnet-4').complete(REQUEST, signal()));
    expect(error).toMatchObject({ kind: 'context_overflow', status: 400, attempts: 1 });
    expect((error as Error).message).toContain('prompt is too long');
    expect(fixture.requests).toHaveLength(1);
  });

  it('keeps the key out of an authentication error and does not retry it', async () => {
    await fixture.start([{ error: { status: 401, message: `invalid x-api-key ${API_KEY}` } }]);
    const error = await rejectionOf(fixture.client('anthropic/claude-sonnet-4').complete(REQUEST, signal()));
    expect(error).toMatchObject({ kind: 'authentication', status: 401 });
    expect((error as Error).message).not.toContain(API_KEY);
    expect(fixture.requests).toHaveLength(1);
  });

  it('sends no Authorization header to a keyless proxy', async () => {
    await fixture.start([{ text: 'hi' }]);
    await fixture.client('anthropic/claude-sonnet-4', { apiKey: undefined }).complete(REQUEST, signal());
    expect(fixture.requests[0]?.headers.authorization).toBeUndefined();
    expect(fixture.requests[0]?.headers['x-api-key']).toBeUndefined();
  });
});
