import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpSandboxClient,
  SandboxConnectionError,
  SandboxHttpError,
  SandboxInvalidResponseError,
  SandboxTimeoutError,
} from './sandbox-client';

interface Seen {
  headers: IncomingHttpHeaders;
  body: unknown;
  path: string | undefined;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server === undefined) resolve();
    else
      server.close(() => {
        resolve();
      });
    server?.closeAllConnections();
  });
  server = undefined;
});

/** A stand-in action server that answers with `status` and `body` (or never, when `hang`). */
async function actionServer(
  status: number,
  body: string,
  hang = false,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        path: req.url,
      });
      if (hang) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

const action = { type: 'run_command', command: 'echo hi' } as const;
const observation = {
  type: 'run_command',
  command: 'echo hi',
  exitCode: 0,
  output: 'hi\n',
  timedOut: false,
  cwd: '/w',
};
const options = () => ({ signal: new AbortController().signal, requestId: 'req-1' });

describe('HttpSandboxClient', () => {
  it('posts the action with the session key and request id, and parses the observation', async () => {
    const { url, seen } = await actionServer(200, JSON.stringify({ observation }));
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'session-key-123456' });
    expect(await client.execute(action, options())).toEqual(observation);
    expect(seen[0]?.path).toBe('/execute_action');
    expect(seen[0]?.headers[SESSION_API_KEY_HEADER.toLowerCase()]).toBe('session-key-123456');
    expect(seen[0]?.headers['x-request-id']).toBe('req-1');
    expect(seen[0]?.body).toEqual({ action });
  });

  it('throws SandboxHttpError with the error body for a non-2xx answer', async () => {
    const { url } = await actionServer(
      500,
      JSON.stringify({ code: 'action_failed', message: 'bash would not start' }),
    );
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'k'.repeat(16) });
    const error = await client.execute(action, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxHttpError);
    expect(error).toMatchObject({ status: 500, body: { code: 'action_failed' } });
    expect((error as Error).message).toContain('bash would not start');
  });

  it('throws SandboxInvalidResponseError for a 200 that is not an observation', async () => {
    const { url } = await actionServer(200, '{"nope":1}');
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'k'.repeat(16) });
    await expect(client.execute(action, options())).rejects.toBeInstanceOf(SandboxInvalidResponseError);
  });

  it('throws SandboxConnectionError when nothing listens', async () => {
    const { url } = await actionServer(200, '{}');
    await new Promise<void>((resolve) =>
      server?.close(() => {
        resolve();
      }),
    );
    server = undefined;
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'k'.repeat(16) });
    await expect(client.execute(action, options())).rejects.toBeInstanceOf(SandboxConnectionError);
  });

  it('throws SandboxTimeoutError past the command timeout plus grace', async () => {
    const { url } = await actionServer(200, '{}', true);
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'k'.repeat(16), graceSec: 0.05 });
    await expect(client.execute({ ...action, timeoutSec: 0.05 }, options())).rejects.toBeInstanceOf(
      SandboxTimeoutError,
    );
  });

  it('rejects with the abort, not a sandbox error, when interrupted', async () => {
    const { url } = await actionServer(200, '{}', true);
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'k'.repeat(16) });
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 20);
    const error = await client
      .execute(action, { signal: controller.signal, requestId: 'r' })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SandboxConnectionError);
    expect(controller.signal.aborted).toBe(true);
  });
});
