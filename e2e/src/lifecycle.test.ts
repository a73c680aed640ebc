import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
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
