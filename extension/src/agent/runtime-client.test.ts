import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingHttpServer, deadUrl } from '../testing/recording-http-server';
import { aSandboxInfo } from '../testing/fake-clients';
import { AuthenticationError, ConnectionError, InvalidResponseError, TimeoutError } from './errors';
import { HttpRuntimeClient } from './runtime-client';

let server: RecordingHttpServer;

beforeEach(async () => {
  server = await RecordingHttpServer.start();
});
afterEach(async () => {
  await server.stop();
});

describe('HttpRuntimeClient', () => {
  it('starts a sandbox with the key in X-API-Key, never in the URL, and parses SandboxInfo', async () => {
    const info = aSandboxInfo();
    server.routes.set('POST /start', { status: 201, body: info });
    const client = new HttpRuntimeClient({ baseUrl: server.url, apiKey: 'runtime-secret' });
    await expect(client.start({ labels: { a: 'b' } })).resolves.toEqual(info);
    const [request] = server.requests;
    expect(request?.headers['x-api-key']).toBe('runtime-secret');
    expect(request?.url).toBe('/start');
    expect(request?.body).toEqual({ labels: { a: 'b' } });
    expect(request?.headers['x-protocol-version']).toBe('1');
  });

  it('stops a sandbox by id', async () => {
    server.routes.set('POST /stop', { status: 200, body: { id: 'sbx-1', status: 'stopped' } });
    await new HttpRuntimeClient({ baseUrl: `${server.url}/`, apiKey: 'k' }).stop('sbx-1');
    expect(server.requests[0]?.body).toEqual({ id: 'sbx-1' });
  });

  it('maps an error status and its ErrorBody to a typed error', async () => {
    server.routes.set('POST /start', { status: 401, body: { code: 'unauthorized', message: 'Bad key.' } });
    const error = await new HttpRuntimeClient({ baseUrl: server.url, apiKey: 'k' })
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', message: 'Bad key.' });
  });

  it('rejects a success body that does not match SandboxInfo', async () => {
    server.routes.set('POST /start', { status: 201, body: { id: 'sbx-1' } });
    await expect(new HttpRuntimeClient({ baseUrl: server.url, apiKey: 'k' }).start()).rejects.toBeInstanceOf(
      InvalidResponseError,
    );
  });

  it('throws ConnectionError when nothing listens', async () => {
    const client = new HttpRuntimeClient({ baseUrl: await deadUrl(), apiKey: 'k' });
    const error = await client.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as ConnectionError).message).toMatch(/cannot reach/);
  });

  it('throws TimeoutError when the server does not answer in time', async () => {
    server.routes.set('POST /stop', { status: 200, delayMs: 300 });
    const client = new HttpRuntimeClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 50 });
    await expect(client.stop('sbx-1')).rejects.toBeInstanceOf(TimeoutError);
  });
});
