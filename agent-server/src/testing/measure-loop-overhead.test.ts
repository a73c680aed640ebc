import { describe, expect, it } from 'vitest';
import { measureLoopOverhead } from './measure-loop-overhead';

describe('measureLoopOverhead', () => {
  it('runs the real loop step by step and reports a per-step figure', async () => {
    const figure = await measureLoopOverhead({ steps: 20, runs: 2 });
    expect(figure.steps).toBe(38);
    expect(figure.p50Ms).toBeGreaterThan(0);
    expect(figure.p95Ms).toBeGreaterThanOrEqual(figure.p50Ms);
  });
});
