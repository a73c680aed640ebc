import {
  ErrorBodySchema,
  ExecuteActionResponseSchema,
  InterruptResponseSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import type { ErrorBody } from '@handoff/protocol';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandEnv } from './actions/action-context';
import { MAX_BODY_BYTES, createApp } from './server';
import { ShellSessions } from './shell/shell-sessions';
import { RecordingLogger } from './testing/recording-logger';
import { newSessionKey } from './testing/session-key';
import { createTempWorkspace } from './testing/temp-workspace';
import type { TempWorkspace } from './testing/temp-workspace';

const KEY = newSessionKey();
let workspace: TempWorkspace;
let logger: RecordingLogger;
let app: Hono;
let shells: ShellSessions;

beforeEach(async () => {
  workspace = await createTempWorkspace();
  logger = new RecordingLogger();
  shells = new ShellSessions({ workspace: workspace.path, env: commandEnv(process.env) });
  app = createApp({ sessionApiKey: KEY, workspace: workspace.path, logger, shells });
});

afterEach(async () => {
  await shells.close();
  await workspace.dispose();
});

function post(
  path: string,
  body: string,
  headers: Record<string, string> = { [SESSION_API_KEY_HEADER]: KEY },
) {
  return app.request(`http://localhost${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function errorOf(response: Response): Promise<ErrorBody> {
  return ErrorBodySchema.parse(await response.json());
}

describe('GET /alive', () => {
  it('answers without a key, and says nothing else', async () => {
    const response = await app.request('http://localhost/alive');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('authentication', () => {
  it.each([
    ['missing', {}],
    ['wrong', { [SESSION_API_KEY_HEADER]: `${KEY}x` }],
    ['empty', { [SESSION_API_KEY_HEADER]: '' }],
  ])('rejects a %s key with 401 naming the header', async (_, headers: Record<string, string>) => {
    const response = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'run_command', command: 'true' } }),
      headers,
    );
    expect(response.status).toBe(401);
    const body = await errorOf(response);
    expect(body.code).toBe('unauthorized');
    expect(body.message).toContain(SESSION_API_KEY_HEADER);
  });

  it('guards unknown routes too, so they reveal nothing without a key', async () => {
    expect((await app.request('http://localhost/nope')).status).toBe(401);
  });
});

describe('errors', () => {
  it('answers an unknown route with 404 naming method and path', async () => {
    const response = await app.request('http://localhost/nope', {
      headers: { [SESSION_API_KEY_HEADER]: KEY },
    });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({ code: 'route_not_found', message: 'No route for GET /nope.' });
  });

  it('answers malformed JSON with 400', async () => {
    const response = await post('/execute_action', '{"action": ');
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: 'invalid_request',
      message: 'Request body is not valid JSON',
    });
  });

  it('answers a schema mismatch with 400 naming the field, and logs it', async () => {
    const response = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'run_command', command: 42 } }),
    );
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.code).toBe('invalid_request');
    expect(body.message).toContain('action.command');
    expect(body.details).toHaveProperty('issues');
    expect(logger.records.some((record) => record.level === 'warn')).toBe(true);
  });

  it('rejects unknown keys and unknown action types', async () => {
    const extra = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'run_command', command: 'true' }, x: 1 }),
    );
    expect(extra.status).toBe(400);
    const unknown = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'finish', message: 'done' } }),
    );
    expect(unknown.status).toBe(400);
  });

  it('answers a body over 1 MiB with 413', async () => {
    const command = `echo ${'x'.repeat(MAX_BODY_BYTES)}`;
    const response = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'run_command', command } }),
    );
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('answers a refused cwd with 400', async () => {
    const response = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'run_command', command: 'pwd', cwd: '../' } }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_request');
  });

  it('hides unexpected errors behind 500 internal_error and logs them', async () => {
    const broken = createApp({
      sessionApiKey: KEY,
      workspace: '/nonexistent/workspace/for/test',
      logger,
      shells,
    });
    const response = await broken.request('http://localhost/execute_action', {
      method: 'POST',
      headers: { [SESSION_API_KEY_HEADER]: KEY },
      body: JSON.stringify({ action: { type: 'run_command', command: 'true', cwd: 'sub' } }),
    });
    expect(response.status).toBe(500);
    const body = await errorOf(response);
    expect(body.code).toBe('internal_error');
    expect(body.message).not.toContain('nonexistent');
    expect(logger.records.find((record) => record.level === 'error')?.fields).toMatchObject({
      errorName: 'Error',
    });
  });
});

describe('POST /execute_action', () => {
  it('runs the command and returns its observation', async () => {
    const response = await post(
      '/execute_action',
      JSON.stringify({ action: { type: 'run_command', command: 'echo hello' } }),
    );
    expect(response.status).toBe(200);
    const { observation } = ExecuteActionResponseSchema.parse(await response.json());
    expect(observation).toEqual({
      type: 'run_command',
      command: 'echo hello',
      session: 'default',
      status: 'completed',
      exitCode: 0,
      output: 'hello\n',
      timedOut: false,
      cwd: workspace.path,
    });
  });

  it('answers a session over the cap with 400 naming the open sessions', async () => {
    const capped = createApp({
      sessionApiKey: KEY,
      workspace: workspace.path,
      logger,
      shells: new ShellSessions({ workspace: workspace.path, env: {}, maxSessions: 0 }),
    });
    const response = await capped.request('http://localhost/execute_action', {
      method: 'POST',
      headers: { [SESSION_API_KEY_HEADER]: KEY },
      body: JSON.stringify({ action: { type: 'run_command', command: 'true', session: 'extra' } }),
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('Cannot open shell session "extra"');
  });
});

describe('POST /interrupt', () => {
  it('needs the key', async () => {
    expect((await post('/interrupt', '{}', {})).status).toBe(401);
  });

  it('answers interrupted: false when nothing runs', async () => {
    const response = await post('/interrupt', JSON.stringify({ session: 'default' }));
    expect(response.status).toBe(200);
    expect(InterruptResponseSchema.parse(await response.json())).toEqual({ interrupted: false });
  });

  it('refuses a bad session name with 400', async () => {
    const response = await post('/interrupt', JSON.stringify({ session: '../x' }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('session');
  });
});
