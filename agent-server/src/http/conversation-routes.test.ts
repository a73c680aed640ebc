import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ErrorBody } from '@handoff/protocol';
import {
  ConversationInfoSchema,
  ConversationListSchema,
  ErrorBodySchema,
  EventsPageSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunner } from '../agent/agent-context';
import { emitState } from '../agent/agent-context';
import { ConversationService } from '../conversation/conversation-service';
import { silentLogger } from '../logger';
import { FakeSandboxClient } from '../testing/fake-sandbox-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { createApp } from './app';

const KEY = 'routes-test-session-key-0123456';
let dir: string;
let service: ConversationService;
let app: Hono;
let release: () => void;

/** Waits for confirmation on a first run, finishes after one; 'hold' keeps running until released or aborted. */
const runner: AgentRunner = async (ctx) => {
  await emitState(ctx.events, 'running');
  const events = ctx.events.all();
  const last = events.findLast((e) => e.type === 'message' && e.source === 'user');
  if (last?.type === 'message' && last.text === 'hold') {
    await new Promise<void>((resolve) => {
      release = resolve;
      ctx.signal.addEventListener('abort', () => {
        resolve();
      });
    });
    const state = await emitState(ctx.events, ctx.signal.aborted ? 'paused' : 'finished');
    return { finalState: ctx.signal.aborted ? 'paused' : 'finished', resumeAfterSeq: state.seq };
  }
  const confirmed = events.some((e) => e.type === 'confirmation');
  const state = await emitState(ctx.events, confirmed ? 'finished' : 'awaiting_confirmation');
  return { finalState: confirmed ? 'finished' : 'awaiting_confirmation', resumeAfterSeq: state.seq };
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'routes-'));
  release = () => undefined;
  service = await ConversationService.open({
    stateDir: dir,
    workspace: '/workspace',
    sessionApiKey: KEY,
    sandbox: new FakeSandboxClient(),
    llmClientFactory: () => new ScriptedLlmClient([]),
    logger: silentLogger,
    runAgent: runner,
  });
  app = createApp({ service, sessionApiKey: KEY, logger: silentLogger });
});

afterEach(async () => {
  release();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(pathname: string, method = 'GET', json?: unknown, key = KEY): Promise<Response> {
  const headers = new Headers({ [SESSION_API_KEY_HEADER]: key });
  if (json !== undefined) headers.set('content-type', 'application/json');
  return app.request(`http://localhost/api/conversations${pathname}`, {
    method,
    headers,
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
}
const errorOf = async (response: Response): Promise<ErrorBody> =>
  ErrorBodySchema.parse(await response.json());
const infoOf = async (response: Response) => ConversationInfoSchema.parse(await response.json());
const LLM = { model: 'openai/gpt-4o', apiKey: 'sk-routes-key-1234567890' };
async function create(extra: Record<string, unknown> = {}) {
  const response = await call('', 'POST', { llm: LLM, ...extra });
  expect(response.status).toBe(201);
  return infoOf(response);
}
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('conversation routes', () => {
  it('creates with every field and reports them in the info', async () => {
    const info = await create({
      title: 'Tidy up',
      maxIterations: 7,
      maxBudgetUsd: 1.5,
      confirmationPolicy: { type: 'risky' },
      secrets: { NPM_TOKEN: 'npm-secret-value' },
      workspace: { repository: 'o/r' },
    });
    expect(info).toMatchObject({
      title: 'Tidy up',
      maxIterations: 7,
      maxBudgetUsd: 1.5,
      confirmationPolicy: { type: 'risky', threshold: 'MEDIUM' },
      iterations: 0,
    });
    expect(JSON.stringify(info)).not.toContain('npm-secret');
    const titled = await create({ initialMessage: 'Make the tests pass\nthen lint' });
    expect(titled.title).toBe('Make the tests pass');
  });

  it('refuses a model it cannot route with 400, and every route without the key with 401', async () => {
    const bad = await call('', 'POST', { llm: { model: 'nosuch/x' } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('invalid_request');
    const info = await create();
    for (const [pathname, method] of [
      ['', 'GET'],
      [`/${info.id}`, 'DELETE'],
      [`/${info.id}/pause`, 'POST'],
      [`/${info.id}/run`, 'POST'],
      [`/${info.id}/confirm`, 'POST'],
      [`/${info.id}/confirmation_policy`, 'POST'],
    ] as const) {
      const response = await call(pathname, method, method === 'GET' ? undefined : {}, 'wrong-key-wrong-key');
      expect(response.status).toBe(401);
    }
  });

  it('answers 404 for an unknown conversation on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [pathname, method, body] of [
      [`/${id}`, 'DELETE', undefined],
      [`/${id}/pause`, 'POST', undefined],
      [`/${id}/run`, 'POST', undefined],
      [`/${id}/confirm`, 'POST', { accept: true }],
      [`/${id}/confirmation_policy`, 'POST', { policy: { type: 'never' } }],
    ] as const) {
      const response = await call(pathname, method, body);
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe('conversation_not_found');
    }
  });

  it('confirms: 409 without a pending confirmation, 202 with one, then the run continues', async () => {
    const info = await create({ confirmationPolicy: { type: 'always' } });
    const early = await call(`/${info.id}/confirm`, 'POST', { accept: true });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).code).toBe('no_pending_confirmation');
    await call(`/${info.id}/messages`, 'POST', { text: 'delete tmp' });
    await until(() => service.get(info.id).state === 'awaiting_confirmation');
    const busy = await call(`/${info.id}/run`, 'POST');
    expect(busy.status).toBe(409);
    const invalid = await call(`/${info.id}/confirm`, 'POST', { accept: 'yes' });
    expect(invalid.status).toBe(400);
    const accepted = await call(`/${info.id}/confirm`, 'POST', { accept: false, reason: 'too risky' });
    expect(accepted.status).toBe(202);
    await service.idle();
    expect(service.get(info.id).state).toBe('finished');
    const page = EventsPageSchema.parse(await (await call(`/${info.id}/events?type=confirmation`)).json());
    expect(page.items).toMatchObject([{ accept: false, reason: 'too risky' }]);
  });

  it('sets the confirmation policy, refusing a bad one with 400', async () => {
    const info = await create();
    const bad = await call(`/${info.id}/confirmation_policy`, 'POST', { policy: { type: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('invalid_request');
    const set = await call(`/${info.id}/confirmation_policy`, 'POST', { policy: { type: 'always' } });
    expect(set.status).toBe(200);
    expect((await infoOf(set)).confirmationPolicy).toEqual({ type: 'always' });
  });

  it('pauses a running conversation, refuses run while it runs (409) and runs it again', async () => {
    const info = await create({ initialMessage: 'hold' });
    await until(() => service.get(info.id).state === 'running');
    const busy = await call(`/${info.id}/run`, 'POST');
    expect(busy.status).toBe(409);
    expect((await errorOf(busy)).code).toBe('conversation_busy');
    const paused = await call(`/${info.id}/pause`, 'POST');
    expect(paused.status).toBe(200);
    expect((await infoOf(paused)).state).toBe('paused');
    const resumed = await call(`/${info.id}/run`, 'POST');
    expect(resumed.status).toBe(202);
    await until(() => service.get(info.id).state === 'running');
    release();
    await service.idle();
    expect(service.get(info.id).state).toBe('finished');
  });

  it('lists in pages with an opaque token and filters by state', async () => {
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await create()).id);
    const first = ConversationListSchema.parse(await (await call('?limit=2')).json());
    expect(first.items).toHaveLength(2);
    expect(first.nextPageToken).toBeDefined();
    const second = ConversationListSchema.parse(
      await (await call(`?limit=2&pageToken=${first.nextPageToken ?? ''}`)).json(),
    );
    expect(second.nextPageToken).toBeUndefined();
    expect(new Set([...first.items, ...second.items].map((i) => i.id))).toEqual(new Set(ids));
    const idle = ConversationListSchema.parse(await (await call('?state=idle')).json());
    expect(idle.items).toHaveLength(3);
    const running = ConversationListSchema.parse(await (await call('?state=running')).json());
    expect(running.items).toEqual([]);
    expect((await call('?state=bogus')).status).toBe(400);
    expect((await call('?pageToken=nope')).status).toBe(400);
  });

  it('deletes with 204, after which the conversation is gone', async () => {
    const info = await create({ initialMessage: 'hold' });
    await until(() => service.get(info.id).state === 'running');
    const deleted = await call(`/${info.id}`, 'DELETE');
    expect(deleted.status).toBe(204);
    expect((await call(`/${info.id}`)).status).toBe(404);
    expect((await call(`/${info.id}`, 'DELETE')).status).toBe(404);
  });
});
