import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from '../agent/agent-loop';
import { EventLog } from '../conversation/event-log';
import { silentLogger } from '../logger';
import { FakeSandboxClient } from '../testing/fake-sandbox-client';
import type { ScriptedLlmServer, ScriptedLlmTurn } from '../testing/scripted-llm-server';
import { startScriptedLlmServer } from '../testing/scripted-llm-server';
import { toolDefinitions } from '../tools/tools';
import type { LlmRequest } from './llm-client';
import { LlmError } from './llm-client';
import type { LlmRoute } from './llm-route';
import { OpenAiLlmClient } from './openai-llm-client';

const API_KEY = 'sk-test-abcdefghijklmnop';
let server: ScriptedLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(script: ScriptedLlmTurn[], route: Partial<LlmRoute> = {}, maxRetries = 2) {
  server = await startScriptedLlmServer(script);
  const full: LlmRoute = {
    provider: 'openai',
    model: 'gpt-4o',
    baseUrl: server.url,
    apiKey: API_KEY,
    ...route,
  };
  return { client: new OpenAiLlmClient(full, { maxRetries }), server };
}

const request: LlmRequest = {
  messages: [
    { role: 'system', content: 'SYSTEM' },
    { role: 'user', content: 'list files' },
    {
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call-1', name: 'execute_bash', arguments: '{"command":"pwd"}' }],
    },
    { role: 'tool', toolCallId: 'call-1', content: '/workspace' },
  ],
  tools: toolDefinitions({ workspace: '/workspace' }),
};

describe('OpenAiLlmClient against the scripted server', () => {
  it('assembles streamed text and tool calls', async () => {
    const bash = { command: 'ls -la "my dir"', security_risk: 'LOW' };
    const { client } = await clientFor([
      {
        text: 'Let me look around.',
        toolCalls: [
          { name: 'execute_bash', arguments: bash },
          { name: 'finish', arguments: { message: 'ok' } },
        ],
      },
    ]);
    const deltas: string[] = [];
    const response = await client.complete(request, new AbortController().signal, {
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

  it('sends the model, the messages and the tools in OpenAI format, with the key as Bearer', async () => {
    const { client } = await clientFor([{ text: 'fine' }]);
    await client.complete(request, new AbortController().signal);
    const recorded = server?.requests[0];
    expect(recorded?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(recorded?.body).toMatchObject({
      model: 'gpt-4o',
      stream: true,
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
    const tools = recorded?.body['tools'] as {
      type: string;
      function: { name: string; parameters: { required: string[] } };
    }[];
    expect(tools.map((t) => [t.type, t.function.name, t.function.parameters.required])).toEqual([
      ['function', 'execute_bash', ['command', 'security_risk']],
      ['function', 'str_replace_editor', ['command', 'path', 'security_risk']],
      ['function', 'finish', ['message']],
    ]);
  });

  it('sends no Authorization header to a keyless compatible server', async () => {
    const { client } = await clientFor([{ text: 'hi' }], {
      provider: 'openai-compatible',
      apiKey: undefined,
    });
    await client.complete(request, new AbortController().signal);
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('maps an error status to an LlmError without the key, with no retry for 401', async () => {
    const { client } = await clientFor([
      { error: { status: 401, message: `Incorrect API key provided: ${API_KEY}.`, type: 'invalid_api_key' } },
    ]);
    const error = await client.complete(request, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    const llmError = error as LlmError;
    expect(llmError.kind).toBe('authentication');
    expect(llmError.status).toBe(401);
    expect(llmError.message).toContain('HTTP 401');
    expect(llmError.message).not.toContain(API_KEY);
    expect(server?.requests).toHaveLength(1);
  });

  it('retries a 5xx and then succeeds', async () => {
    const { client } = await clientFor([
      { error: { status: 503, message: 'overloaded', type: 'server_error' } },
      { text: 'second try' },
    ]);
    const response = await client.complete(request, new AbortController().signal);
    expect(response.text).toBe('second try');
    expect(server?.requests).toHaveLength(2);
  });

  it('reports an exhausted script as a provider error', async () => {
    const { client } = await clientFor([], {}, 0);
    const error = await client.complete(request, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'provider', status: 500 });
    expect((error as Error).message).toContain('script is exhausted');
  });

  it('aborts a call in flight', async () => {
    const { client } = await clientFor([{ text: 'late', delayMs: 5000 }]);
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 50);
    const started = Date.now();
    await expect(client.complete(request, controller.signal)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('drives the agent loop: an error status becomes an llm_error event', async () => {
    const { client } = await clientFor([
      { error: { status: 400, message: 'model not found', type: 'invalid_request_error' } },
    ]);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openai-loop-'));
    try {
      const log = await EventLog.open({ file: path.join(dir, 'events.jsonl') });
      await log.append({ type: 'message', source: 'user', text: 'hi' });
      const result = await runAgent({
        events: log,
        llm: client,
        sandbox: new FakeSandboxClient(),
        systemPrompt: 'SYSTEM',
        tools: toolDefinitions({ workspace: '/workspace' }),
        maxIterations: 5,
        signal: new AbortController().signal,
        logger: silentLogger,
      });
      expect(result.finalState).toBe('error');
      const error = log.all().find((e) => e.type === 'error');
      expect(error?.type === 'error' && error.error.code).toBe('llm_error');
      expect(error?.type === 'error' && error.error.message).toContain('model not found');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs a whole task through the real SDK: echo, then finish', async () => {
    const { client } = await clientFor([
      { toolCalls: [{ name: 'execute_bash', arguments: { command: 'echo hello', security_risk: 'LOW' } }] },
      { toolCalls: [{ name: 'finish', arguments: { message: 'Printed hello.' } }] },
    ]);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openai-loop-'));
    try {
      const log = await EventLog.open({ file: path.join(dir, 'events.jsonl') });
      await log.append({ type: 'message', source: 'user', text: 'run echo hello' });
      const sandbox = new FakeSandboxClient();
      const result = await runAgent({
        events: log,
        llm: client,
        sandbox,
        systemPrompt: 'S',
        tools: toolDefinitions({ workspace: '/workspace' }),
        maxIterations: 5,
        signal: new AbortController().signal,
        logger: silentLogger,
      });
      expect(result.finalState).toBe('finished');
      expect(sandbox.actions).toEqual([{ type: 'run_command', command: 'echo hello' }]);
      const toolMessage = (server?.requests[1]?.body['messages'] as { role: string; content: string }[]).find(
        (m) => m.role === 'tool',
      );
      expect(toolMessage?.content).toContain('[The command completed with exit code 0.]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
