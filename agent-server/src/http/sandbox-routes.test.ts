import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ConversationInfoSchema,
  ErrorBodySchema,
  SESSION_API_KEY_HEADER,
  SandboxActivitySchema,
  SetEnvironmentResponseSchema,
  errorBody,
} from '@handoff/protocol';
import type { ErrorBody, SandboxActivity } from '@handoff/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningAgentServer } from '../agent-server';
import { startAgentServer } from '../agent-server';
import { silentLogger } from '../logger';
import { ActivityClock } from '../sandbox/activity-clock';
import { EventSocketClient } from '../testing/event-socket-client';
import { FakeSandboxClient, fakeRunCommandObservation } from '../testing/fake-sandbox-client';
import { inProcessConfig } from '../testing/in-process-config';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';

const KEY = 'sandbox-routes-session-key-1';
const ACTION_KEY = 'sandbox-routes-action-key-12';

/** A stand-in action server: `PUT /environment` as the real one answers it, and what it received. */
interface StandIn {
  url: string;
  received: { key: string | undefined; body: unknown }[];
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  const received: StandIn['received'] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const body: unknown = JSON.parse(text);
      const key = request.headers[SESSION_API_KEY_HEADER.toLowerCase()];
      received.push({ key: typeof key === 'string' ? key : undefined, body });
      const answer = standInAnswer(key === ACTION_KEY, body);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}

function standInAnswer(authorized: boolean, body: unknown): { status: number; body: unknown } {
  if (!authorized) return { status: 401, body: errorBody('unauthorized', 'Wrong key.') };
  const names = Object.keys((body as { environment: Record<string, string> }).environment).sort();
  if (names.some((name) => name.startsWith('HANDOFF_')))
    return {
      status: 400,
      body: errorBody('invalid_request', 'Cannot set HANDOFF_X.', { refused: ['HANDOFF_X'] }),
    };
  return { status: 200, body: { names } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let standIn: StandIn;
let dir: string;
let server: RunningAgentServer;
let now: number;
let release: () => void;

beforeAll(async () => {
  standIn = await startStandIn();
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sandbox-routes-'));
  now = Date.parse('2026-01-01T00:00:00.000Z');
  const blocked = new Promise<void>((resolve) => {
    release = resolve;
  });
  server = await startAgentServer({
    config: { ...inProcessConfig(KEY, dir), actionServerUrl: standIn.url, actionServerApiKey: ACTION_KEY },
    logger: silentLogger,
    activityClock: new ActivityClock(() => now),
    llmClientFactory: () =>
      new ScriptedLlmClient([
        { toolCalls: [{ name: 'execute_bash', arguments: { command: 'sleep 1', security_risk: 'LOW' } }] },
        { text: 'done' },
      ]),
    sandbox: new FakeSandboxClient(async (action) => {
      await blocked;
      return fakeRunCommandObservation(action);
    }),
  });
});

afterEach(async () => {
  release();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function request(method: string, route: string, body?: unknown, key: string | null = KEY): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { [SESSION_API_KEY_HEADER]: key }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function errorOf(response: Response): Promise<ErrorBody> {
  return ErrorBodySchema.parse(await response.json());
}

async function activity(): Promise<SandboxActivity> {
  const response = await request('GET', '/api/sandbox/activity');
  expect(response.status).toBe(200);
  return SandboxActivitySchema.parse(await response.json());
}

describe('PUT /api/sandbox/environment', () => {
  it("passes the variables to the action server with the action server's own key", async () => {
    const response = await request('PUT', '/api/sandbox/environment', {
      environment: { FOO: 'bar', A: '1' },
    });
    expect(response.status).toBe(200);
    expect(SetEnvironmentResponseSchema.parse(await response.json())).toEqual({ names: ['A', 'FOO'] });
    expect(standIn.received.at(-1)).toEqual({
      key: ACTION_KEY,
      body: { environment: { FOO: 'bar', A: '1' } },
    });
  });

  it("keeps the action server's refusal", async () => {
    const response = await request('PUT', '/api/sandbox/environment', { environment: { HANDOFF_X: 'x' } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: 'invalid_request',
      details: { refused: ['HANDOFF_X'] },
    });
  });

  it('refuses a bad body and a missing key itself', async () => {
    const sent = standIn.received.length;
    const bad = await request('PUT', '/api/sandbox/environment', { environment: { 'no good': 'x' } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('invalid_request');
    const keyless = await request('PUT', '/api/sandbox/environment', { environment: {} }, null);
    expect(keyless.status).toBe(401);
    expect(standIn.received.length).toBe(sent);
  });

  it('answers 503 when the action server does not answer, 502 when it refuses our key', async () => {
    const gone = await startAgentServer({
      config: { ...inProcessConfig(KEY, dir), actionServerUrl: 'http://127.0.0.1:9' },
      logger: silentLogger,
    });
    const wrongKey = await startAgentServer({
      config: { ...inProcessConfig(KEY, dir), actionServerUrl: standIn.url },
      logger: silentLogger,
    });
    try {
      const put = (url: string) =>
        fetch(`${url}/api/sandbox/environment`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: KEY },
          body: JSON.stringify({ environment: { FOO: 'secret-value' } }),
        });
      const unreachable = await put(gone.url);
      expect(unreachable.status).toBe(503);
      expect((await errorOf(unreachable)).code).toBe('sandbox_unavailable');
      const refused = await put(wrongKey.url);
      expect(refused.status).toBe(502);
      const error = await errorOf(refused);
      expect(error.code).toBe('sandbox_unavailable');
      expect(JSON.stringify(error)).not.toContain('secret-value');
    } finally {
      await gone.close();
      await wrongKey.close();
    }
  });
});

describe('GET /api/sandbox/activity', () => {
  it('starts idle, and polling it is not activity', async () => {
    now += 60_000;
    expect(await activity()).toEqual({
      connections: 0,
      runningConversations: 0,
      lastActivityAt: '2026-01-01T00:00:00.000Z',
    });
    expect((await request('GET', '/api/sandbox/activity', undefined, null)).status).toBe(401);
  });

  it('counts open sockets and running agents, and moves with requests, frames and steps', async () => {
    now += 1_000;
    const created = await request('POST', '/api/conversations', {
      llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-123456789' },
    });
    const { id } = ConversationInfoSchema.parse(await created.json());
    expect((await activity()).lastActivityAt).toBe('2026-01-01T00:00:01.000Z');
    now += 1_000;
    const socket = new EventSocketClient(server.url, id, { key: KEY });
    await socket.opened;
    await socket.until((client) => client.frames.some((frame) => frame.type === 'welcome'));
    expect(await activity()).toMatchObject({ connections: 1, lastActivityAt: '2026-01-01T00:00:02.000Z' });
    now += 1_000;
    socket.send({ type: 'send_message', text: 'run something' });
    await socket.until((client) => client.events().some((event) => event.type === 'action'));
    expect(await activity()).toEqual({
      connections: 1,
      runningConversations: 1,
      lastActivityAt: '2026-01-01T00:00:03.000Z',
    });
    now += 1_000;
    release();
    await server.service.idle();
    expect(await activity()).toMatchObject({
      runningConversations: 0,
      lastActivityAt: '2026-01-01T00:00:04.000Z',
    });
    await socket.disconnect();
    await expect.poll(async () => (await activity()).connections).toBe(0);
  });
});
