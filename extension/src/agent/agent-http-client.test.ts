import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingHttpServer } from '../testing/recording-http-server';
import { HttpAgentClient } from './agent-http-client';
import { ConflictError, NotFoundError } from './errors';

let server: RecordingHttpServer;

beforeEach(async () => {
  server = await RecordingHttpServer.start();
});
afterEach(async () => {
  await server.stop();
});

const conversationInfo = {
  id: 'conv-1',
  state: 'running',
  model: 'openai/gpt-4o',
  lastSeq: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('HttpAgentClient', () => {
  const client = () => new HttpAgentClient({ baseUrl: server.url, sessionApiKey: 'session-secret' });

  it('creates a conversation with X-Session-API-Key and parses ConversationInfo', async () => {
    server.routes.set('POST /api/conversations', { status: 201, body: conversationInfo });
    const request = { llm: { model: 'openai/gpt-4o', apiKey: 'llm-key' }, initialMessage: 'hi' };
    await expect(client().createConversation(request)).resolves.toEqual(conversationInfo);
    expect(server.requests[0]?.headers['x-session-api-key']).toBe('session-secret');
    expect(server.requests[0]?.body).toEqual(request);
    expect(server.requests[0]?.url).not.toContain('secret');
  });

  it('sends messages and interrupts to the conversation routes', async () => {
    server.routes.set('POST /api/conversations/conv-1/messages', { status: 202, body: {} });
    server.routes.set('POST /api/conversations/conv-1/interrupt', { status: 204 });
    await client().sendMessage('conv-1', 'more');
    await client().interrupt('conv-1');
    expect(server.requests.map((r) => [r.url, r.body])).toEqual([
      ['/api/conversations/conv-1/messages', { text: 'more' }],
      ['/api/conversations/conv-1/interrupt', undefined],
    ]);
    expect(server.requests.every((r) => r.headers['x-session-api-key'] === 'session-secret')).toBe(true);
  });

  it('confirms, pauses and resumes through their routes', async () => {
    server.routes.set('POST /api/conversations/conv-1/confirm', { status: 200, body: conversationInfo });
    server.routes.set('POST /api/conversations/conv-1/pause', { status: 200, body: conversationInfo });
    server.routes.set('POST /api/conversations/conv-1/run', { status: 200, body: conversationInfo });
    await client().confirm('conv-1', { accept: false, reason: 'not on main' });
    await client().pause('conv-1');
    await client().resume('conv-1');
    expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/api/conversations/conv-1/confirm', { accept: false, reason: 'not on main' }],
      ['POST', '/api/conversations/conv-1/pause', undefined],
      ['POST', '/api/conversations/conv-1/run', undefined],
    ]);
    expect(server.requests.every((r) => r.headers['x-session-api-key'] === 'session-secret')).toBe(true);
  });

  it('keeps the code of a 409 without a pending confirmation', async () => {
    server.routes.set('POST /api/conversations/conv-1/confirm', {
      status: 409,
      body: { code: 'no_pending_confirmation', message: 'No action awaits confirmation.' },
    });
    const error = await client()
      .confirm('conv-1', { accept: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'no_pending_confirmation', status: 409 });
  });

  it('maps 404 and 409 with their codes', async () => {
    server.routes.set('POST /api/conversations/conv-1/messages', {
      status: 409,
      body: { code: 'conversation_busy', message: 'Busy.' },
    });
    await expect(client().sendMessage('conv-1', 'x')).rejects.toBeInstanceOf(ConflictError);
    const missing = await client()
      .interrupt('conv-2')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: 'route_not_found', status: 404 });
  });
});
