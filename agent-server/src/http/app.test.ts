import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConversationInfo, ErrorBody, EventsPage } from '@handoff/protocol';
import {
  ConversationInfoSchema,
  ConversationListSchema,
  ErrorBodySchema,
  EventsPageSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationService } from '../conversation/conversation-service';
import { silentLogger } from '../logger';
import { FakeSandboxClient } from '../testing/fake-sandbox-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { MAX_BODY_BYTES, createApp } from './app';

const KEY = 'test-session-key-0123456789';
let dir: string;
let service: ConversationService;
let app: Hono;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'app-'));
  service = await ConversationService.open({
    stateDir: dir,
    workspace: '/workspace',
    sandbox: new FakeSandboxClient(),
    llmClientFactory: () =>
      new ScriptedLlmClient([
        { toolCalls: [{ name: 'execute_bash', arguments: { command: 'echo hi' } }] },
        { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
      ]),
    logger: silentLogger,
  });
  app = createApp({ service, sessionApiKey: KEY, logger: silentLogger });
});

afterEach(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

function request(pathname: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has(SESSION_API_KEY_HEADER)) headers.set(SESSION_API_KEY_HEADER, KEY);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const body = init.json === undefined ? init.body : JSON.stringify(init.json);
  return Promise.resolve(
    app.request(`http://localhost${pathname}`, { ...init, headers, ...(body === undefined ? {} : { body }) }),
  );
}

async function errorOf(response: Response): Promise<ErrorBody> {
  return ErrorBodySchema.parse(await response.json());
}

const create = (extra: Record<string, unknown> = {}) =>
  request('/api/conversations', {
    method: 'POST',
    json: { llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-123456789' }, ...extra },
  });

describe('HTTP API', () => {
  it('answers /alive without a key', async () => {
    const response = await app.request('http://localhost/alive');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('refuses /api without the right key, naming the header', async () => {
    const attempts: Record<string, string>[] = [{}, { [SESSION_API_KEY_HEADER]: 'wrong-key-wrong-key' }];
    for (const headers of attempts) {
      const response = await app.request('http://localhost/api/conversations', { headers });
      expect(response.status).toBe(401);
      const error = await errorOf(response);
      expect(error.code).toBe('unauthorized');
      expect(error.message).toContain(SESSION_API_KEY_HEADER);
    }
  });

  it('answers unknown routes with route_not_found', async () => {
    const response = await request('/api/nothing-here');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('route_not_found');
  });

  it('answers an unknown conversation with conversation_not_found', async () => {
    for (const pathname of [
      '/api/conversations/nope',
      '/api/conversations/nope/events',
      '/api/conversations/bad%20id',
    ]) {
      const response = await request(pathname);
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe('conversation_not_found');
    }
    const post = await request('/api/conversations/nope/messages', { method: 'POST', json: { text: 'hi' } });
    expect(post.status).toBe(404);
  });

  it('rejects malformed JSON with 400 invalid_request', async () => {
    const response = await request('/api/conversations', {
      method: 'POST',
      body: '{"llm": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('rejects a body that does not match the schema, naming the field', async () => {
    const response = await request('/api/conversations', {
      method: 'POST',
      json: { llm: { model: 'gpt-4o' } },
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('llm.model');
  });

  it('rejects unsupported providers and a compatible model without baseUrl', async () => {
    const unknown = await request('/api/conversations', {
      method: 'POST',
      json: { llm: { model: 'nosuch/claude' } },
    });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toMatch(/openai\/<model>.*openai-compatible\/<model>/);
    const noBase = await request('/api/conversations', {
      method: 'POST',
      json: { llm: { model: 'openai-compatible/llama3' } },
    });
    expect(noBase.status).toBe(400);
    expect((await errorOf(noBase)).message).toContain('baseUrl');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const response = await request('/api/conversations', {
      method: 'POST',
      json: { llm: { model: 'openai/x' }, initialMessage: 'x'.repeat(MAX_BODY_BYTES) },
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('creates a conversation (201), lists it and gets it, never showing the key', async () => {
    const response = await create();
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain('sk-test');
    const info = ConversationInfoSchema.parse(JSON.parse(text));
    expect(info).toMatchObject({ state: 'idle', model: 'openai/gpt-4o', lastSeq: 0 });
    const list = ConversationListSchema.parse(await (await request('/api/conversations')).json());
    expect(list.items.map((i) => i.id)).toEqual([info.id]);
    const got = ConversationInfoSchema.parse(await (await request(`/api/conversations/${info.id}`)).json());
    expect(got.id).toBe(info.id);
  });

  it('runs the agent on the initial message and pages its events', async () => {
    const info = ConversationInfoSchema.parse(await (await create({ initialMessage: 'say hi' })).json());
    expect(info.lastSeq).toBeGreaterThanOrEqual(1);
    await service.idle();
    const all = EventsPageSchema.parse(await (await request(`/api/conversations/${info.id}/events`)).json());
    expect(all.items.map((e) => e.type).filter((type) => type !== 'llm_usage')).toEqual([
      'message',
      'agent_state_changed',
      'action',
      'observation',
      'action',
      'message',
      'agent_state_changed',
    ]);
    const page: EventsPage = EventsPageSchema.parse(
      await (await request(`/api/conversations/${info.id}/events?afterSeq=2&limit=2`)).json(),
    );
    expect(page.items.map((e) => e.seq)).toEqual([3, 4]);
    expect(page.nextAfterSeq).toBe(4);
    const agentOnly = EventsPageSchema.parse(
      await (await request(`/api/conversations/${info.id}/events?source=agent&type=message`)).json(),
    );
    expect(agentOnly.items).toHaveLength(1);
    const bad = await request(`/api/conversations/${info.id}/events?limit=0`);
    expect(bad.status).toBe(400);
    const final: ConversationInfo = ConversationInfoSchema.parse(
      await (await request(`/api/conversations/${info.id}`)).json(),
    );
    expect(final.state).toBe('finished');
  });

  it('accepts a message with 202 and interrupts with 200', async () => {
    const info = ConversationInfoSchema.parse(await (await create()).json());
    const sent = await request(`/api/conversations/${info.id}/messages`, {
      method: 'POST',
      json: { text: 'hello' },
    });
    expect(sent.status).toBe(202);
    expect(ConversationInfoSchema.parse(await sent.json()).lastSeq).toBe(1);
    const interrupted = await request(`/api/conversations/${info.id}/interrupt`, { method: 'POST' });
    expect(interrupted.status).toBe(200);
    expect(['paused', 'finished']).toContain(ConversationInfoSchema.parse(await interrupted.json()).state);
    const empty = await request(`/api/conversations/${info.id}/messages`, {
      method: 'POST',
      json: { text: '' },
    });
    expect(empty.status).toBe(400);
  });
});
