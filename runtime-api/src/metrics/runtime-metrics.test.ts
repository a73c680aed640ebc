import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, RuntimeMetrics } from './runtime-metrics';

describe('RuntimeMetrics', () => {
  it('reports each Docker engine: whether it answers and how many sandboxes it holds', async () => {
    const metrics = new RuntimeMetrics();
    metrics.watch({
      list: () => Promise.resolve([]),
      engines: () => [
        { host: 'unix:///var/run/docker.sock', healthy: true, sandboxes: 3 },
        { host: 'unix:///run/second.sock', healthy: false, sandboxes: 1 },
      ],
    });
    const text = await metrics.text();
    expect(text).toContain(`${METRIC_NAMES.engineUp}{engine="unix:///var/run/docker.sock"} 1`);
    expect(text).toContain(`${METRIC_NAMES.engineUp}{engine="unix:///run/second.sock"} 0`);
    expect(text).toContain(`${METRIC_NAMES.engineSandboxes}{engine="unix:///var/run/docker.sock"} 3`);
  });

  it('reports no engine for a provider without any', async () => {
    const metrics = new RuntimeMetrics();
    metrics.watch({ list: () => Promise.resolve([]) });
    expect(await metrics.text()).not.toContain(`${METRIC_NAMES.engineUp}{`);
  });
});
