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

/**
 * A stand-in action server: answers every request with `status` and `body`, after `delayMs`,
 * or never when `hang`.
 */
async function actionServer(
  status: number,
  body: string,
  behaviour: { hang?: boolean; delayMs?: number } = {},
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
      if (behaviour.hang === true) return;
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      }, behaviour.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

const action = { type: 'run_command', command: 'echo hi' } as const;
const observation = {
  type: 'run_command',
  command: 'echo hi',
  session: 'default',
  status: 'completed',
  exitCode: 0,
  output: 'hi\n',
  timedOut: false,
  cwd: '/w',
  changes: [{ path: 'a.txt', kind: 'created', size: 3 }],
};
const options = () => ({ signal: new AbortController().signal, requestId: 'req-1' });
const KEY = 'k'.repeat(16);

describe('HttpSandboxClient', () => {
  it('posts the action with the session key and request id, and parses the observation', async () => {
    const { url, seen } = await actionServer(200, JSON.stringify({ observation }));
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: 'session-key-123456' });
    expect(await client.executeAction(action, options())).toEqual(observation);
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
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    const error = await client.executeAction(action, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxHttpError);
    expect(error).toMatchObject({ status: 500, body: { code: 'action_failed' } });
    expect((error as Error).message).toContain('bash would not start');
  });

  it('throws SandboxInvalidResponseError for a 200 that is not an observation', async () => {
    const { url } = await actionServer(200, '{"nope":1}');
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    await expect(client.executeAction(action, options())).rejects.toBeInstanceOf(SandboxInvalidResponseError);
  });

  it('throws SandboxConnectionError when the answer is cut off', async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"observation":');
        setTimeout(() => res.destroy(), 10);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    await expect(client.executeAction(action, options())).rejects.toBeInstanceOf(SandboxConnectionError);
  });

  it('throws SandboxConnectionError when nothing listens', async () => {
    const { url } = await actionServer(200, '{}');
    await new Promise<void>((resolve) =>
      server?.close(() => {
        resolve();
      }),
    );
    server = undefined;
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    await expect(client.executeAction(action, options())).rejects.toBeInstanceOf(SandboxConnectionError);
  });

  it('gives a command without a hard timeout no HTTP limit, while the sandbox soft timeout governs', async () => {
    const { url } = await actionServer(200, JSON.stringify({ observation }), { delayMs: 300 });
    const client = new HttpSandboxClient({
      baseUrl: url,
      sessionApiKey: KEY,
      graceSec: 0.01,
      quickCallTimeoutSec: 0.01,
    });
    expect(await client.executeAction(action, options())).toEqual(observation);
  });

  it('limits an editor call to the quick-call timeout', async () => {
    const { url } = await actionServer(200, '{}', { hang: true });
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY, quickCallTimeoutSec: 0.05 });
    const view = { type: 'file_editor', command: 'view', path: 'a.txt' } as const;
    await expect(client.executeAction(view, options())).rejects.toBeInstanceOf(SandboxTimeoutError);
  });

  it('interrupts a session with POST /interrupt and the session key', async () => {
    const { url, seen } = await actionServer(200, JSON.stringify({ interrupted: true }));
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    expect(await client.interrupt('build')).toEqual({ interrupted: true });
    expect(seen[0]?.path).toBe('/interrupt');
    expect(seen[0]?.body).toEqual({ session: 'build' });
    expect(seen[0]?.headers[SESSION_API_KEY_HEADER.toLowerCase()]).toBe(KEY);
  });

  it('reports a failed interrupt as a sandbox error', async () => {
    const { url } = await actionServer(200, '{"interrupted":"maybe"}');
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    await expect(client.interrupt('default')).rejects.toBeInstanceOf(SandboxInvalidResponseError);
  });

  it('throws SandboxTimeoutError past the command timeout plus grace', async () => {
    const { url } = await actionServer(200, '{}', { hang: true });
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY, graceSec: 0.05 });
    await expect(client.executeAction({ ...action, timeoutSec: 0.05 }, options())).rejects.toBeInstanceOf(
      SandboxTimeoutError,
    );
  });

  it('rejects with the abort, not a sandbox error, when interrupted', async () => {
    const { url } = await actionServer(200, '{}', { hang: true });
    const client = new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY });
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 20);
    const error = await client
      .executeAction(action, { signal: controller.signal, requestId: 'r' })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SandboxConnectionError);
    expect(controller.signal.aborted).toBe(true);
  });
});
