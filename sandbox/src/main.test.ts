import { spawnSync } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecuteActionResponseSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemHost } from './config';
import { waitForExit } from './testing/processes';
import { newSessionKey } from './testing/session-key';
import { BUILT_MAIN, spawnActionServer } from './testing/spawn-action-server';
import type { SpawnedActionServer } from './testing/spawn-action-server';
import { createTempWorkspace } from './testing/temp-workspace';
import type { TempWorkspace } from './testing/temp-workspace';

// Runs the bundle the root `npm test` builds first; spawnActionServer says how to build it if missing.
let workspace: TempWorkspace;
let server: SpawnedActionServer | undefined;

beforeEach(async () => {
  workspace = await createTempWorkspace();
});

afterEach(async () => {
  await server?.stop('SIGKILL');
  server = undefined;
  await workspace.dispose();
});

describe('dist/main.js', () => {
  it('prints the ready line, serves HTTP, hides its key from commands and exits 0 on SIGTERM', async () => {
    const key = newSessionKey();
    server = await spawnActionServer({ HANDOFF_SESSION_API_KEY: key, HANDOFF_WORKSPACE: workspace.path });
    expect(server.port).toBeGreaterThan(0);
    expect(await (await fetch(`${server.url}/alive`)).json()).toEqual({ status: 'ok' });

    const response = await fetch(`${server.url}/execute_action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: key },
      body: JSON.stringify({
        action: { type: 'run_command', command: 'env; echo "[$HANDOFF_SESSION_API_KEY]"' },
      }),
    });
    expect(response.status).toBe(200);
    const { observation } = ExecuteActionResponseSchema.parse(await response.json());
    if (observation.type !== 'run_command') throw new Error(`unexpected observation ${observation.type}`);
    expect(observation.exitCode).toBe(0);
    expect(observation.output).toContain('PATH=');
    expect(observation.output).toContain('\n[]\n');
    expect(observation.output).not.toContain(key);
    expect(observation.output).not.toContain('HANDOFF_');

    expect(await server.stop('SIGTERM')).toBe(0);
    const logLines = server.stderr().trim().split('\n');
    expect(logLines.every((line) => JSON.parse(line) !== null)).toBe(true);
    expect(server.stderr()).not.toContain(key);
  });

  it('kills running commands on SIGTERM and still exits 0', async () => {
    const key = newSessionKey();
    server = await spawnActionServer({ HANDOFF_SESSION_API_KEY: key, HANDOFF_WORKSPACE: workspace.path });
    const pidFile = path.join(workspace.path, 'sleep.pid');
    const running = fetch(`${server.url}/execute_action`, {
      method: 'POST',
      headers: { [SESSION_API_KEY_HEADER]: key },
      body: JSON.stringify({
        action: { type: 'run_command', command: `sleep 100 & echo $! > ${pidFile}; wait` },
      }),
    });
    const pid = await readPidWhenWritten(pidFile);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(await waitForExit(pid)).toBe(true);
    await running.catch(() => undefined);
  });

  it.skipIf(process.getuid?.() !== 0 || systemHost.lookUpUser('nobody') === undefined)(
    'runs commands as HANDOFF_COMMAND_USER (root only)',
    async () => {
      await chmod(workspace.path, 0o777);
      const key = newSessionKey();
      server = await spawnActionServer({
        HANDOFF_SESSION_API_KEY: key,
        HANDOFF_WORKSPACE: workspace.path,
        HANDOFF_COMMAND_USER: 'nobody',
      });
      const response = await fetch(`${server.url}/execute_action`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: key },
        body: JSON.stringify({ action: { type: 'run_command', command: 'id -un; echo $USER $HOME' } }),
      });
      const { observation } = ExecuteActionResponseSchema.parse(await response.json());
      expect(observation).toMatchObject({ type: 'run_command', exitCode: 0 });
      const nobody = systemHost.lookUpUser('nobody');
      expect(observation.type === 'run_command' && observation.output).toBe(
        `nobody\nnobody ${nobody?.home ?? ''}\n`,
      );
      expect(await server.stop('SIGTERM')).toBe(0);
    },
  );

  it('exits 2 naming HANDOFF_COMMAND_USER when that user cannot be used', () => {
    const result = spawnSync(process.execPath, [BUILT_MAIN], {
      env: {
        PATH: process.env['PATH'],
        HANDOFF_SESSION_API_KEY: newSessionKey(),
        HANDOFF_WORKSPACE: workspace.path,
        HANDOFF_COMMAND_USER: 'no-such-user-for-handoff',
      },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('HANDOFF_COMMAND_USER');
  });

  it('exits 2 with a clear message on stderr when the configuration is bad', () => {
    const result = spawnSync(process.execPath, [BUILT_MAIN], {
      env: {
        PATH: process.env['PATH'],
        HANDOFF_SESSION_API_KEY: 'too-short',
        HANDOFF_WORKSPACE: '/no/such/dir',
      },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('HANDOFF_SESSION_API_KEY must be at least 16 characters');
    expect(result.stderr).toContain('HANDOFF_WORKSPACE must be an existing directory');
    expect(result.stderr).not.toContain('too-short');
  });
});

async function readPidWhenWritten(file: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return Number(text.trim());
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${file} was never written`);
}
