import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema, SandboxInfoSchema, SandboxListSchema } from '@handoff/protocol';
import type { SandboxInfo } from '@handoff/protocol';
import { METRIC_NAMES } from '../metrics/runtime-metrics';
import { fixturePids, isAlive, metricValue, startProcessHarness } from '../testing/process-harness';
import type { ProcessHarness } from '../testing/process-harness';

let harness: ProcessHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup(): Promise<ProcessHarness> {
  harness = await startProcessHarness({ poolSize: 0 });
  return harness;
}

async function start(h: ProcessHarness): Promise<SandboxInfo> {
  return SandboxInfoSchema.parse(await (await h.call('POST', '/start', {})).json());
}

async function post(h: ProcessHarness, route: string, body: unknown) {
  const response = await h.call('POST', route, body);
  return { status: response.status, body: await response.json() };
}

/** Whether the agent server answers within 300 ms: a frozen process never does. */
async function answers(info: SandboxInfo): Promise<boolean> {
  try {
    await fetch(`${info.agentServerUrl}/alive`, { signal: AbortSignal.timeout(300) });
    return true;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return false;
    throw error;
  }
}

describe('POST /pause and /resume with the process provider', () => {
  it('freezes both services and thaws them with the workspace and in-memory state intact', async () => {
    const h = await setup();
    const info = await start(h);
    await fetch(`${info.agentServerUrl}/note`, { method: 'POST', body: 'conversation 1' });
    const file = path.join(h.sandboxRoot, info.id, 'workspace', 'kept.txt');
    await writeFile(file, 'kept');
    const pids = await fixturePids(info);

    const paused = await post(h, '/pause', { id: info.id });
    expect(paused.status).toBe(200);
    expect(SandboxInfoSchema.parse(paused.body).status).toBe('paused');
    expect(await answers(info)).toBe(false);
    expect(pids.filter(isAlive)).toEqual(pids);
    const listed = SandboxListSchema.parse(await (await h.call('GET', '/list?status=paused')).json());
    expect(listed.items.map((item) => item.id)).toEqual([info.id]);

    const resumed = await post(h, '/resume', { id: info.id });
    expect(SandboxInfoSchema.parse(resumed.body).status).toBe('running');
    expect(await answers(info)).toBe(true);
    expect(await (await fetch(`${info.agentServerUrl}/note`)).json()).toEqual({ note: 'conversation 1' });
    expect(await fixturePids(info)).toEqual(pids);
    expect(await readFile(file, 'utf8')).toBe('kept');
  });

  it('answers a repeated pause or resume with 200 and the unchanged status', async () => {
    const h = await setup();
    const info = await start(h);
    expect((await post(h, '/resume', { id: info.id })).body).toMatchObject({ status: 'running' });
    await post(h, '/pause', { id: info.id });
    expect(await post(h, '/pause', { id: info.id })).toMatchObject({
      status: 200,
      body: { status: 'paused' },
    });
    await post(h, '/resume', { id: info.id });
  });

  it('stops a paused sandbox: no process, no folder', async () => {
    const h = await setup();
    const info = await start(h);
    const pids = await fixturePids(info);
    await post(h, '/pause', { id: info.id });
    expect((await post(h, '/stop', { id: info.id })).status).toBe(200);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await h.folders()).toEqual([]);
  });

  it('answers an unknown id with 404 and a bad body with 400', async () => {
    const h = await setup();
    for (const route of ['/pause', '/resume']) {
      const missing = await post(h, route, { id: 'sbx-nope' });
      expect(missing.status).toBe(404);
      expect(ErrorBodySchema.parse(missing.body).code).toBe('sandbox_not_found');
      const bad = await post(h, route, { id: 'sbx-nope', extra: 1 });
      expect(bad.status).toBe(400);
      expect(ErrorBodySchema.parse(bad.body).code).toBe('invalid_request');
    }
  });
});

describe('GET /metrics', () => {
  it('needs the key', async () => {
    const h = await setup();
    expect((await h.call('GET', '/metrics', undefined, null)).status).toBe(401);
  });

  it('is Prometheus text with every runtime-api metric', async () => {
    const h = await setup();
    const info = await start(h);
    await start(h);
    await post(h, '/pause', { id: info.id });
    const response = await h.call('GET', '/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const line of text.split('\n').filter((row) => row !== '' && !row.startsWith('#')))
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [-+0-9.e]+$/);
    for (const name of Object.values(METRIC_NAMES)) expect(text).toContain(`# TYPE ${name} `);
    expect(metricValue(text, METRIC_NAMES.running)).toBe(1);
    expect(metricValue(text, METRIC_NAMES.paused)).toBe(1);
    expect(metricValue(text, METRIC_NAMES.coldStarts)).toBe(2);
    expect(metricValue(text, `${METRIC_NAMES.startSeconds}_count`, 'source="cold"')).toBe(2);
  });
});
