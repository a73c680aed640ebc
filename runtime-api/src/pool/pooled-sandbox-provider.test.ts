import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBodySchema, SandboxInfoSchema, SandboxListSchema } from '@handoff/protocol';
import type { SandboxInfo } from '@handoff/protocol';
import { METRIC_NAMES } from '../metrics/runtime-metrics';
import { fixturePids, isAlive, metricValue, startProcessHarness } from '../testing/process-harness';
import type { ProcessHarness, ProcessHarnessOptions } from '../testing/process-harness';
import { FIXTURE_ENTRIES } from '../testing/fixture-entries';
import { POOL_LABEL } from './pooled-sandbox-provider';

let harnesses: ProcessHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.map((harness) => harness.close()));
  harnesses = [];
});

/** A harness whose pool has filled. */
async function warmHarness(options: ProcessHarnessOptions) {
  const harness = await startProcessHarness(options);
  harnesses.push(harness);
  harness.provider.replenish();
  await harness.provider.poolSettled();
  return harness;
}

async function start(harness: ProcessHarness, body: unknown = {}): Promise<SandboxInfo> {
  const response = await harness.call('POST', '/start', body);
  expect(response.status).toBe(201);
  return SandboxInfoSchema.parse(await response.json());
}

async function metric(harness: ProcessHarness, name: string, labels = '') {
  return metricValue(await (await harness.call('GET', '/metrics')).text(), name, labels);
}

/** The pool members: sandboxes the backend holds that `/list` does not show. */
async function members(harness: ProcessHarness): Promise<SandboxInfo[]> {
  const visible = new Set((await harness.provider.list()).map((info) => info.id));
  return (await harness.inner.list()).filter((info) => !visible.has(info.id));
}

describe('PooledSandboxProvider over the process provider', () => {
  it('serves /start from a sandbox that was ready before the request, then refills', async () => {
    const harness = await warmHarness({ poolSize: 1 });
    const [member] = await members(harness);
    if (!member) throw new Error('the pool did not fill');
    const listed = SandboxListSchema.parse(await (await harness.call('GET', '/list')).json());
    expect(listed.items).toEqual([]);

    const info = await start(harness, { labels: { task: 't1' } });
    expect(info.id).toBe(member.id);
    expect(info).toMatchObject({ status: 'running', labels: { task: 't1' } });
    expect(await (await fetch(`${info.agentServerUrl}/alive`)).json()).toEqual({ status: 'ok' });
    expect(await metric(harness, METRIC_NAMES.claims)).toBe(1);
    expect(await metric(harness, METRIC_NAMES.coldStarts)).toBe(0);

    await harness.provider.poolSettled();
    const [refill] = await members(harness);
    expect(refill?.id).toBeDefined();
    expect(refill?.id).not.toBe(info.id);
    expect(await metric(harness, METRIC_NAMES.poolSize, 'profile="default"')).toBe(1);
    const after = SandboxListSchema.parse(await (await harness.call('GET', '/list')).json());
    expect(after.items.map((item) => item.id)).toEqual([info.id]);
  });

  it("hands a warm sandbox the request's environment when it is claimed", async () => {
    const harness = await warmHarness({ poolSize: 1 });
    const [member] = await members(harness);
    const info = await start(harness, { environment: { FIXTURE_FLAVOUR: 'mint' }, labels: { who: 'me' } });
    expect(info.id).toBe(member?.id);
    expect(info.labels).toEqual({ who: 'me' });
    const report = (await (await fetch(`${info.agentServerUrl}/env`)).json()) as {
      env: Record<string, string>;
    };
    expect(report.env['FIXTURE_FLAVOUR']).toBe('mint');
    expect(await metric(harness, METRIC_NAMES.coldStarts)).toBe(0);
    expect(await metric(harness, METRIC_NAMES.claims)).toBe(1);
  });

  it('cold-starts a request for another network mode; the process provider refuses isolation it cannot give', async () => {
    const harness = await warmHarness({ poolSize: 1 });
    const response = await harness.call('POST', '/start', { network: 'none' });
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(await response.json()).message).toContain('HANDOFF_PROVIDER=docker');
    const limited = await harness.call('POST', '/start', { resources: { memoryMb: 1024 } });
    expect(limited.status).toBe(400);
    expect(await metric(harness, METRIC_NAMES.claims)).toBe(0);
  });

  it('never hands out a member that died while it waited; that start is cold', async () => {
    const harness = await warmHarness({ poolSize: 1 });
    const [member] = await members(harness);
    if (!member) throw new Error('the pool did not fill');
    await fetch(`${member.agentServerUrl}/exit`, { method: 'POST' });
    await vi.waitFor(async () => {
      expect((await harness.inner.get(member.id))?.status).toBe('error');
    });
    const info = await start(harness);
    expect(info.id).not.toBe(member.id);
    expect(info.status).toBe('running');
    expect(await harness.inner.get(member.id)).toBeUndefined();
    expect(await metric(harness, METRIC_NAMES.coldStarts)).toBe(1);
  });

  it('hides pool members from every route until they are claimed', async () => {
    const harness = await warmHarness({ poolSize: 1 });
    const [member] = await members(harness);
    if (!member) throw new Error('the pool did not fill');
    expect((await harness.call('GET', `/sessions/${member.id}`)).status).toBe(404);
    for (const route of ['/stop', '/pause', '/resume']) {
      const response = await harness.call('POST', route, { id: member.id });
      expect(response.status).toBe(404);
      expect(ErrorBodySchema.parse(await response.json()).code).toBe('sandbox_not_found');
    }
  });

  it('refuses labels in the reserved handoff. namespace', async () => {
    const harness = await warmHarness({ poolSize: 0 });
    const response = await harness.call('POST', '/start', { labels: { [POOL_LABEL]: 'default' } });
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(await response.json()).message).toContain('reserved');
  });

  it('counts pool members against the cap and stops refilling at it', async () => {
    const harness = await warmHarness({ poolSize: 1, maxSandboxes: 2 });
    const a = await start(harness);
    await harness.provider.poolSettled();
    const b = await start(harness); // the refilled member
    await harness.provider.poolSettled();
    expect(await members(harness)).toEqual([]);
    expect(await harness.inner.list()).toHaveLength(2);

    const refused = await harness.call('POST', '/start', {});
    expect(refused.status).toBe(503);
    expect(ErrorBodySchema.parse(await refused.json()).code).toBe('pool_exhausted');

    expect((await harness.call('POST', '/stop', { id: a.id })).status).toBe(200);
    await harness.provider.poolSettled();
    expect(await members(harness)).toHaveLength(1);
    expect((await harness.provider.list()).map((info) => info.id)).toEqual([b.id]);
  });

  it('gives a cold start the slot of a pool member when the cap is reached', async () => {
    const harness = await warmHarness({ poolSize: 1, maxSandboxes: 2 });
    // A profile the pool does not keep always starts cold.
    await start(harness, { image: 'other-profile' });
    const second = await start(harness, { image: 'other-profile' });
    expect(second.status).toBe('running');
    expect(await members(harness)).toEqual([]);
  });

  it('close stops users and pool members alike: no process, no folder left', async () => {
    const harness = await startProcessHarness({ poolSize: 2 });
    harnesses.push(harness); // cleaned up even when an expectation fails
    harness.provider.replenish();
    await harness.provider.poolSettled();
    await start(harness, { labels: { user: 'yes' } });
    harness.provider.replenish(); // a refill in progress when close begins
    const running = (await harness.inner.list()).filter((info) => info.status === 'running');
    const pids = (await Promise.all(running.map(fixturePids))).flat();
    expect(pids.length).toBeGreaterThanOrEqual(4); // the user sandbox and a ready member, each two services
    await harness.provider.close();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await harness.folders()).toEqual([]);
  });

  it('close does not wait for a member that never gets ready', async () => {
    const harness = await startProcessHarness({
      poolSize: 1,
      entries: { actionServer: FIXTURE_ENTRIES.readyService, agentServer: FIXTURE_ENTRIES.neverReady },
    });
    harnesses.push(harness);
    harness.provider.replenish();
    await vi.waitFor(async () => {
      expect(await harness.inner.list()).toMatchObject([{ status: 'starting' }]);
    });
    await harness.provider.close(); // within the test timeout, far below the 20 s start timeout
    expect(await harness.folders()).toEqual([]);
    expect(harness.logger.entries.filter((entry) => entry.level !== 'info')).toEqual([]);
  });
});
