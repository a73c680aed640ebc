import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecuteActionResponseSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './server';
import { waitForExit } from './testing/processes';
import { startTestServer } from './testing/start-test-server';
import type { TestServer } from './testing/start-test-server';

let server: TestServer;
let closed: boolean;

beforeEach(async () => {
  server = await startTestServer();
  closed = false;
});

afterEach(async () => {
  if (!closed) await server.close();
});

describe('action server over HTTP', () => {
  it('answers /alive and runs a command', async () => {
    expect(await (await fetch(`${server.url}/alive`)).json()).toEqual({ status: 'ok' });
    const response = await server.executeAction({
      action: { type: 'run_command', command: 'echo hi; exit 4' },
    });
    const { observation } = ExecuteActionResponseSchema.parse(await response.json());
    expect(observation).toMatchObject({
      type: 'run_command',
      exitCode: 4,
      output: 'hi\n',
      cwd: server.workspace,
    });
  });

  it('runs independent commands concurrently', async () => {
    const started = Date.now();
    const responses = await Promise.all(
      [1, 2, 3].map((n) =>
        server.executeAction({ action: { type: 'run_command', command: `sleep 0.3; echo ${n}` } }),
      ),
    );
    const outputs = await Promise.all(
      responses.map(async (r) => ExecuteActionResponseSchema.parse(await r.json())),
    );
    expect(
      outputs.map(({ observation }) => observation.type === 'run_command' && observation.output),
    ).toEqual(['1\n', '2\n', '3\n']);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses a body over 1 MiB sent with Content-Length', async () => {
    const response = await fetch(`${server.url}/execute_action`, {
      method: 'POST',
      headers: {
        [SESSION_API_KEY_HEADER]: server.sessionApiKey,
        'content-length': String(MAX_BODY_BYTES + 1),
      },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(response.status).toBe(413);
  });

  it('kills running commands and their background jobs on close', async () => {
    const pidFile = path.join(server.workspace, 'bg.pid');
    const background = await server.executeAction({
      action: { type: 'run_command', command: `sleep 100 > /dev/null 2>&1 & echo $! > ${pidFile}` },
    });
    expect(background.status).toBe(200);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    const running = server.executeAction({ action: { type: 'run_command', command: 'sleep 100' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.close();
    closed = true;
    const { observation } = ExecuteActionResponseSchema.parse(await (await running).json());
    expect(observation).toMatchObject({ type: 'run_command', exitCode: 128 + 9, timedOut: false });
    expect(await waitForExit(pid)).toBe(true);
  });
});
