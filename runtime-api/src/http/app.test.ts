import { describe, expect, it, vi } from 'vitest';
import { ErrorBodySchema, SandboxInfoSchema, SandboxListSchema } from '@handoff/protocol';
import type { SandboxInfo, SandboxList } from '@handoff/protocol';
import { FakeSandboxProvider } from '../testing/fake-sandbox-provider';
import { RecordingLogger } from '../testing/recording-logger';
import { MAX_BODY_BYTES, createApp } from './app';

const API_KEY = 'test-runtime-api-key-0123456789';

function setup(options: { maxSandboxes?: number } = {}) {
  const provider = new FakeSandboxProvider(options);
  const logger = new RecordingLogger();
  const app = createApp({ apiKey: API_KEY, provider, logger });
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { 'X-API-Key': API_KEY },
  ) =>
    app.request(`http://localhost${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const start = async (body: unknown = {}): Promise<SandboxInfo> =>
    SandboxInfoSchema.parse(await (await call('POST', '/start', body)).json());
  return { provider, logger, call, start };
}

async function errorOf(response: Response) {
  return ErrorBodySchema.parse(await response.json());
}

describe('auth', () => {
  it('answers GET /health without a key', async () => {
    const { call } = setup();
    const response = await call('GET', '/health', undefined, {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['missing', {}],
    ['wrong', { 'X-API-Key': 'not-the-key' }],
    ['a prefix of the', { 'X-API-Key': API_KEY.slice(0, -1) }],
  ])('refuses a %s key with 401 naming the header', async (_, headers) => {
    const { call, provider } = setup();
    const response = await call('POST', '/start', {}, headers);
    expect(response.status).toBe(401);
    const error = await errorOf(response);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('X-API-Key');
    expect(provider.startRequests).toHaveLength(0);
  });

  it('accepts the header in any case', async () => {
    const { call } = setup();
    expect((await call('GET', '/list', undefined, { 'x-api-key': API_KEY })).status).toBe(200);
  });

  it('hides unknown routes from callers without a key', async () => {
    const { call } = setup();
    expect((await call('GET', '/nope', undefined, {})).status).toBe(401);
  });
});

describe('errors', () => {
  it('answers an unknown route with 404 route_not_found', async () => {
    const { call } = setup();
    const response = await call('DELETE', '/start');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('route_not_found');
  });

  it('answers malformed JSON with 400 invalid_request', async () => {
    const { call } = setup();
    const response = await call('POST', '/start', '{"labels": ');
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: 'invalid_request',
      message: 'Request body is not valid JSON',
    });
  });

  it('answers a schema mismatch with 400 naming the field', async () => {
    const { call } = setup();
    const response = await call('POST', '/start', { labels: { team: 42 } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('labels.team');
    expect(error.details).toBeDefined();
  });

  it('rejects unknown fields (strict schemas)', async () => {
    const { call } = setup();
    const response = await call('POST', '/start', { command: ['rm', '-rf', '/'] });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('command');
  });

  it('rejects reserved HANDOFF_* variables in the environment', async () => {
    const { call } = setup();
    const response = await call('POST', '/start', { environment: { HANDOFF_SESSION_API_KEY: 'mine' } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('HANDOFF_SESSION_API_KEY');
  });

  it('refuses a body over 1 MiB with 413 payload_too_large', async () => {
    const { call } = setup();
    const response = await call('POST', '/start', { labels: { big: 'x'.repeat(MAX_BODY_BYTES) } });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('answers an unknown sandbox with 404 sandbox_not_found, on get and on stop', async () => {
    const { call } = setup();
    const get = await call('GET', '/sessions/sbx-missing');
    expect(get.status).toBe(404);
    expect((await errorOf(get)).code).toBe('sandbox_not_found');
    const stop = await call('POST', '/stop', { id: 'sbx-missing' });
    expect(stop.status).toBe(404);
    expect((await errorOf(stop)).code).toBe('sandbox_not_found');
  });

  it('answers an id that cannot exist with 400', async () => {
    const { call } = setup();
    const response = await call('GET', '/sessions/not.an.id');
    expect(response.status).toBe(400);
  });

  it('answers pool exhaustion with 503 and a message telling to stop one', async () => {
    const { call, start } = setup({ maxSandboxes: 1 });
    await start();
    const response = await call('POST', '/start', {});
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe('pool_exhausted');
    expect(error.message).toContain('/stop');
  });

  it('turns an unexpected error into 500 internal_error, logs it, and never logs the key', async () => {
    const { call, provider, logger } = setup();
    vi.spyOn(provider, 'list').mockRejectedValue(new Error('disk on fire'));
    const response = await call('GET', '/list');
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe('internal_error');
    expect(error.message).not.toContain('disk on fire');
    expect(logger.text()).toContain('disk on fire');
    expect(logger.text()).not.toContain(API_KEY);
  });
});

describe('sandbox routes', () => {
  it('starts, gets, lists and stops a sandbox', async () => {
    const { call, provider } = setup();
    const response = await call('POST', '/start', {
      labels: { task: 'fix-tests' },
      environment: { FOO: 'bar' },
    });
    expect(response.status).toBe(201);
    const info = SandboxInfoSchema.parse(await response.json());
    expect(info).toMatchObject({ status: 'running', labels: { task: 'fix-tests' } });
    expect(provider.startRequests).toEqual([{ labels: { task: 'fix-tests' }, environment: { FOO: 'bar' } }]);

    expect(await (await call('GET', `/sessions/${info.id}`)).json()).toEqual(info);
    const list = SandboxListSchema.parse(await (await call('GET', '/list')).json());
    expect(list).toEqual({ items: [info] });

    const stop = await call('POST', '/stop', { id: info.id });
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({ id: info.id, status: 'stopped' });
    expect((await call('GET', `/sessions/${info.id}`)).status).toBe(404);
  });

  it('accepts an empty body on POST /start', async () => {
    const { call } = setup();
    expect((await call('POST', '/start', '')).status).toBe(201);
  });

  it('pages through /list with opaque tokens, oldest first', async () => {
    const { call, start } = setup();
    const started = [await start(), await start(), await start(), await start(), await start()];
    const pages: SandboxList[] = [];
    let path = '/list?limit=2';
    for (;;) {
      const page = SandboxListSchema.parse(await (await call('GET', path)).json());
      pages.push(page);
      if (page.nextPageToken === undefined) break;
      path = `/list?limit=2&pageToken=${encodeURIComponent(page.nextPageToken)}`;
    }
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.items.map((info) => info.id))).toEqual(
      started.map((info) => info.id),
    );
  });

  it('does not skip a sandbox when one on an earlier page is stopped between pages', async () => {
    const { call, start } = setup();
    const [first, second, third] = [await start(), await start(), await start()];
    const page1 = SandboxListSchema.parse(await (await call('GET', '/list?limit=2')).json());
    await call('POST', '/stop', { id: first.id });
    const page2 = SandboxListSchema.parse(
      await (await call('GET', `/list?limit=2&pageToken=${page1.nextPageToken ?? ''}`)).json(),
    );
    expect(page1.items.map((info) => info.id)).toEqual([first.id, second.id]);
    expect(page2.items.map((info) => info.id)).toEqual([third.id]);
  });

  it('filters /list by status', async () => {
    const { call, start, provider } = setup();
    const [healthy, broken] = [await start(), await start()];
    provider.setStatus(broken.id, 'error');
    const errors = SandboxListSchema.parse(await (await call('GET', '/list?status=error')).json());
    expect(errors.items.map((info) => info.id)).toEqual([broken.id]);
    const running = SandboxListSchema.parse(await (await call('GET', '/list?status=running')).json());
    expect(running.items.map((info) => info.id)).toEqual([healthy.id]);
  });

  it.each([
    ['an unknown status', '/list?status=sleeping', 'status'],
    ['a limit over 500', '/list?limit=501', 'limit'],
    ['an unknown parameter', '/list?sort=desc', 'sort'],
    ['a forged page token', '/list?pageToken=bm90LWEtdG9rZW4', 'pageToken'],
  ])('answers %s with 400 naming it', async (_, path, field) => {
    const { call } = setup();
    const response = await call('GET', path);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain(field);
  });
});
