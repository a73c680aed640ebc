import { readdirSync, readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, stopSandbox } from './clients';
import { startRuntimeStack, type RuntimeStack } from './stack';

async function isDown(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/alive`);
    return false;
  } catch {
    return true;
  }
}

describe('sandbox lifecycle through runtime-api', () => {
  let stack: RuntimeStack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('stop removes the sandbox; shutting runtime-api down leaves nothing running', async () => {
    stack = await startRuntimeStack();
    const { url } = stack.runtime;
    const a = await startSandbox(url, stack.apiKey);
    const b = await startSandbox(url, stack.apiKey);
    expect(a.sessionApiKey).not.toBe(b.sessionApiKey);
    expect((await fetch(`${a.agentServerUrl}/alive`)).status).toBe(200);

    await stopSandbox(url, stack.apiKey, a.id);
    expect(await isDown(a.agentServerUrl)).toBe(true);
    const gone = await fetch(`${url}/sessions/${a.id}`, { headers: { 'x-api-key': stack.apiKey } });
    expect(gone.status).toBe(404);

    expect(await stack.runtime.stop()).toBe(0);
    expect(await isDown(b.agentServerUrl)).toBe(true);
    expect(readdirSync(stack.sandboxRoot)).toEqual([]);
  });
});

/** Pids of live processes whose working directory lies under `root`. */
function processesUnder(root: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(root);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a runtime-api killed with SIGKILL', () => {
  it('leaves no sandbox process behind: each service exits when its launcher is gone', async () => {
    const stack = await startRuntimeStack({ HANDOFF_WARM_POOL_SIZE: '1' });
    try {
      const sandbox = await startSandbox(stack.runtime.url, stack.apiKey);
      expect((await fetch(`${sandbox.agentServerUrl}/alive`)).status).toBe(200);
      expect(processesUnder(stack.sandboxRoot).length).toBeGreaterThanOrEqual(2);

      stack.runtime.process.kill('SIGKILL');
      await vi.waitFor(
        () => {
          expect(processesUnder(stack.sandboxRoot)).toEqual([]);
        },
        { timeout: 20_000, interval: 100 },
      );
      expect(await isDown(sandbox.agentServerUrl)).toBe(true);
    } finally {
      await stack.close();
    }
  });
});
