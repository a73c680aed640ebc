import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aMessageEvent } from '@handoff/protocol/testing';
import { silentLogger } from '../common/logger';
import { FakeEventStream, FakeRuntimeClient, aSessionConfig } from '../testing/fake-clients';
import { RecordingHttpServer } from '../testing/recording-http-server';
import type { StreamDelta } from './agent-connection';
import { HttpAgentClient } from './agent-http-client';
import { HandoffError, NoConversationError } from './errors';
import { NO_PENDING_CONFIRMATION_MESSAGE, SessionService } from './session-service';
import type { SessionConfig } from './session-service';

let server: RecordingHttpServer;

beforeEach(async () => {
  server = await RecordingHttpServer.start();
  server.routes.set('POST /api/conversations', { status: 201, body: conversationInfo });
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

/** A session whose agent client is the real HTTP one, against the recording server. */
function setup(config: Partial<SessionConfig> = {}) {
  const stream = new FakeEventStream();
  const session = new SessionService({
    readConfig: () => Promise.resolve(aSessionConfig(config)),
    createRuntimeClient: () => new FakeRuntimeClient(),
    createAgentClient: (sandbox) =>
      new HttpAgentClient({ baseUrl: server.url, sessionApiKey: sandbox.sessionApiKey }),
    createEventStream: () => stream,
    logger: silentLogger,
  });
  const deltas: StreamDelta[] = [];
  session.onDidReceiveStreamDelta((delta) => deltas.push(delta));
  return { session, stream, deltas };
}

describe('SessionService controls over HTTP', () => {
  it('sends the conversation settings in the create request', async () => {
    const { session } = setup({
      llm: { model: 'azure/gpt-4o', baseUrl: 'https://res.openai.azure.com', apiVersion: '2024-10-21' },
      maxIterations: 30,
      maxBudgetUsd: 2.5,
      confirmationPolicy: 'risky',
    });
    await session.start('fix it');
    expect(server.requests[0]?.body).toEqual({
      llm: { model: 'azure/gpt-4o', baseUrl: 'https://res.openai.azure.com', apiVersion: '2024-10-21' },
      initialMessage: 'fix it',
      maxIterations: 30,
      maxBudgetUsd: 2.5,
      confirmationPolicy: { type: 'risky', threshold: 'MEDIUM' },
    });
  });

  it('confirm, pause and resume call /confirm, /pause and /run of the conversation', async () => {
    const { session } = setup();
    for (const route of ['confirm', 'pause', 'run'])
      server.routes.set(`POST /api/conversations/conv-1/${route}`, { status: 200, body: conversationInfo });
    await session.start('go');
    await session.confirm({ accept: true });
    await session.confirm({ accept: false, reason: 'do not touch main' });
    await session.pause();
    await session.resume();
    expect(server.requests.slice(1).map((r) => [r.url, r.body])).toEqual([
      ['/api/conversations/conv-1/confirm', { accept: true }],
      ['/api/conversations/conv-1/confirm', { accept: false, reason: 'do not touch main' }],
      ['/api/conversations/conv-1/pause', undefined],
      ['/api/conversations/conv-1/run', undefined],
    ]);
    expect(server.requests.every((r) => r.headers['x-session-api-key'] === 'session-key')).toBe(true);
  });

  it('explains a confirmation that finds nothing waiting (409 no_pending_confirmation)', async () => {
    const { session } = setup();
    server.routes.set('POST /api/conversations/conv-1/confirm', {
      status: 409,
      body: { code: 'no_pending_confirmation', message: 'No action awaits confirmation.' },
    });
    await session.start('go');
    const error = await session.confirm({ accept: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandoffError);
    expect(error).toMatchObject({
      code: 'no_pending_confirmation',
      message: NO_PENDING_CONFIRMATION_MESSAGE,
    });
  });

  it('passes other failures through with their code', async () => {
    const { session } = setup();
    server.routes.set('POST /api/conversations/conv-1/pause', {
      status: 409,
      body: { code: 'conversation_busy', message: 'Busy.' },
    });
    await session.start('go');
    await expect(session.pause()).rejects.toMatchObject({ code: 'conversation_busy', status: 409 });
  });

  it('refuses controls when no conversation runs', async () => {
    const { session } = setup();
    await expect(session.confirm({ accept: true })).rejects.toBeInstanceOf(NoConversationError);
    await expect(session.pause()).rejects.toBeInstanceOf(NoConversationError);
    await expect(session.resume()).rejects.toBeInstanceOf(NoConversationError);
  });
});

describe('SessionService stream deltas', () => {
  it('relays deltas and keeps the current response, merged per kind, until the next event', async () => {
    const { session, stream, deltas } = setup();
    await session.start('go');
    stream.delta({ responseId: 'r1', kind: 'reasoning', delta: 'Hm' });
    stream.delta({ responseId: 'r1', kind: 'text', delta: 'I will ' });
    stream.delta({ responseId: 'r1', kind: 'text', delta: 'look.' });
    expect(deltas).toHaveLength(3);
    expect(session.snapshot().streaming).toEqual([
      { responseId: 'r1', kind: 'reasoning', delta: 'Hm' },
      { responseId: 'r1', kind: 'text', delta: 'I will look.' },
    ]);
    stream.push(aMessageEvent({ seq: 1, source: 'agent', text: 'I will look.' }));
    expect(session.snapshot().streaming).toEqual([]);
    stream.delta({ responseId: 'r2', kind: 'text', delta: 'Next' });
    await session.reset();
    expect(session.snapshot().streaming).toEqual([]);
  });
});
