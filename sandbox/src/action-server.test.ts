import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ExecuteActionResponseSchema,
  InterruptResponseSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import type { RunCommandAction, RunCommandObservation } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './server';
import { waitForExit } from './testing/processes';
import { startTestServer } from './testing/start-test-server';
import type { TestServer } from './testing/start-test-server';
import { waitForFile } from './testing/wait-for-file';

let server: TestServer;
let closed: boolean;

beforeEach(async () => {
  server = await startTestServer();
  closed = false;
});

afterEach(async () => {
  if (!closed) await server.close();
});

/** POSTs one run_command action and returns its observation. */
async function runCommand(action: Omit<RunCommandAction, 'type'>): Promise<RunCommandObservation> {
  const response = await server.executeAction({ action: { type: 'run_command', ...action } });
  const { observation } = ExecuteActionResponseSchema.parse(await response.json());
  if (observation.type !== 'run_command') throw new Error(`unexpected observation ${observation.type}`);
  return observation;
}

describe('action server over HTTP', () => {
  it('answers /alive and runs a command', async () => {
    expect(await (await fetch(`${server.url}/alive`)).json()).toEqual({ status: 'ok' });
    const response = await server.executeAction({
      action: { type: 'run_command', command: 'echo hi; (exit 4)' },
    });
    const { observation } = ExecuteActionResponseSchema.parse(await response.json());
    expect(observation).toMatchObject({
      type: 'run_command',
      status: 'completed',
      exitCode: 4,
      output: 'hi\n',
      cwd: server.workspace,
    });
  });

  it('runs commands of different sessions concurrently, and keeps the state of each', async () => {
    const waiting = runCommand({
      command: 'cd /tmp; while [ ! -e "$OLDPWD/go" ]; do sleep 0.02; done; echo a',
      session: 'a',
    });
    expect(await runCommand({ command: 'touch go; echo b', session: 'b' })).toMatchObject({ output: 'b\n' });
    expect(await waiting).toMatchObject({ status: 'completed', output: 'a\n', cwd: '/tmp' });
    expect(await runCommand({ command: 'pwd', session: 'a' })).toMatchObject({ output: '/tmp\n' });
  });

  it('answers busy to a second command in the same session while the first runs', async () => {
    const first = runCommand({
      command: 'echo > started; while [ ! -e go ]; do sleep 0.02; done; echo first',
    });
    await waitForFile(path.join(server.workspace, 'started'));
    expect(await runCommand({ command: 'echo second' })).toMatchObject({ status: 'busy', exitCode: -1 });
    await writeFile(path.join(server.workspace, 'go'), '');
    expect(await first).toMatchObject({ status: 'completed', output: 'first\n' });
  });

  it('interrupts the command of a client that went away, and the session stays usable', async () => {
    await runCommand({ command: 'mkdir sub; cd sub' });
    const client = new AbortController();
    const request = fetch(`${server.url}/execute_action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: server.sessionApiKey },
      body: JSON.stringify({
        action: { type: 'run_command', command: "sh -c 'echo $$ > fg.pid; exec sleep 100'" },
      }),
      signal: client.signal,
    });
    const pid = Number(await waitForFile(path.join(server.workspace, 'sub', 'fg.pid')));
    client.abort();
    await expect(request).rejects.toThrow();
    expect(await waitForExit(pid)).toBe(true);
    expect(await runCommand({ command: 'echo ok; pwd' })).toMatchObject({
      status: 'completed',
      output: `ok\n${path.join(server.workspace, 'sub')}\n`,
    });
  });

  it("interrupts a session's command on POST /interrupt; the waiting call answers interrupted", async () => {
    const running = runCommand({ command: "sh -c 'echo $$ > fg.pid; exec sleep 100'", session: 'work' });
    const pid = Number(await waitForFile(path.join(server.workspace, 'fg.pid')));
    const response = await fetch(`${server.url}/interrupt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: server.sessionApiKey },
      body: JSON.stringify({ session: 'work' }),
    });
    expect(InterruptResponseSchema.parse(await response.json())).toEqual({ interrupted: true });
    expect(await running).toMatchObject({ status: 'interrupted', exitCode: -1 });
    expect(await waitForExit(pid)).toBe(true);
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
    const running = runCommand({ command: "sh -c 'echo $$ > fg.pid; exec sleep 100'", session: 'other' });
    const foregroundPid = Number(await waitForFile(path.join(server.workspace, 'fg.pid')));
    await server.close();
    closed = true;
    expect(await running).toMatchObject({ type: 'run_command', status: 'interrupted', exitCode: -1 });
    expect(await waitForExit(pid)).toBe(true);
    expect(await waitForExit(foregroundPid)).toBe(true);
  });
});
