/**
 * @module Shared set-up of the LLM client tests: a scripted server per test and a client routed
 * to it with a retry policy of tiny delays.
 */
import type { LlmConfig } from '@handoff/protocol';
import type { ScriptedLlmServer, ScriptedLlmTurn } from '../testing/scripted-llm-server';
import { startScriptedLlmServer } from '../testing/scripted-llm-server';
import type { LlmClient, LlmRequest } from './llm-client';
import type { LlmClientOptions } from './llm-call';
import { createLlmClient } from './llm-route';

export const API_KEY = 'sk-test-abcdefghijklmnop';

/** Retries in milliseconds, not seconds. */
export const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, jitter: 0 } as const;

export const REQUEST: LlmRequest = {
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
  tools: [
    {
      name: 'execute_bash',
      description: 'Run a command.',
      parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    },
    {
      name: 'finish',
      description: 'Finish.',
      parameters: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    },
  ],
};

/** A scripted server and its clients; `close()` after each test. */
export class LlmFixture {
  server: ScriptedLlmServer | undefined;

  async start(script: ScriptedLlmTurn[]): Promise<ScriptedLlmServer> {
    this.server = await startScriptedLlmServer(script);
    return this.server;
  }

  /** A client for `model` whose base URL (OpenAI: `/v1`, Anthropic and Azure: the origin) is the server. */
  client(model: string, config: Partial<LlmConfig> = {}, options: LlmClientOptions = {}): LlmClient {
    const server = this.#server();
    const baseUrl = model.startsWith('openai') ? server.url : server.origin;
    return createLlmClient(
      { model, apiKey: API_KEY, baseUrl, ...config },
      { ...options, retry: { ...FAST_RETRY, ...options.retry } },
    );
  }

  get requests() {
    return this.#server().requests;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  #server(): ScriptedLlmServer {
    if (this.server === undefined) throw new Error('start() the fixture first');
    return this.server;
  }
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
