import { setTimeout as delay } from 'node:timers/promises';
import { RUNTIME_API_KEY_HEADER } from '@handoff/protocol';
import { startSandbox, stopSandbox } from '../../e2e/src/clients';
import { startRuntimeStack, type RuntimeStack } from '../../e2e/src/stack';
import { round, summarize, type Timing } from './stats';

/** `bench/out/latest.json` entries. */
type Results = Record<string, { value: number; unit: string }>;

const SAMPLES = 15;
const WARMUP = 2;
const POOL_SIZE = 1;
const POOL_GAUGE = 'handoff_warm_pool_size{profile="default"}';

function put(results: Results, name: string, value: number, unit: string, detail = ''): void {
  results[name] = { value: round(value), unit };
  console.log(
    `${name.padEnd(32)} ${String(round(value)).padStart(10)} ${unit}${detail ? `   ${detail}` : ''}`,
  );
}

/** Ready warm-pool members of the default profile, read from `GET /metrics`. */
async function poolSize(stack: RuntimeStack): Promise<number> {
  const response = await fetch(`${stack.runtime.url}/metrics`, {
    headers: { [RUNTIME_API_KEY_HEADER]: stack.apiKey },
  });
  const line = (await response.text()).split('\n').find((row) => row.startsWith(`${POOL_GAUGE} `));
  return line === undefined ? 0 : Number(line.slice(POOL_GAUGE.length + 1));
}

/** Polls `/metrics` until the pool holds `size` ready members (a refill is a cold start in the background). */
async function poolRefilled(stack: RuntimeStack, size: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await poolSize(stack)) < size) {
    if (Date.now() > deadline)
      throw new Error(`the warm pool did not refill to ${String(size)} within ${String(timeoutMs)} ms`);
    await delay(10);
  }
}

/**
 * `POST /start` round trips (to a ready agent server) against the bundled runtime-api with the
 * process provider and a pool of `poolSize`; each sandbox is stopped before the next start, and with a
 * pool the next start waits until the pool has refilled, so every warm sample is a claim.
 */
async function measureStarts(poolSize: number): Promise<Timing> {
  const stack = await startRuntimeStack({ HANDOFF_WARM_POOL_SIZE: String(poolSize) });
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARMUP + SAMPLES; i += 1) {
      if (poolSize > 0) await poolRefilled(stack, poolSize);
      const began = performance.now();
      const sandbox = await startSandbox(stack.runtime.url, stack.apiKey);
      const took = performance.now() - began;
      await stopSandbox(stack.runtime.url, stack.apiKey, sandbox.id);
      if (i >= WARMUP) samples.push(took);
    }
    return summarize(samples);
  } finally {
    await stack.close();
  }
}

/**
 * The process provider's start figures (issue 5): `start_warm_ms` (a claim from the warm pool),
 * `start_cold_ms` (pool disabled), both p50 of `POST /start`, and `cold_over_warm`.
 */
export async function benchRuntime(results: Results): Promise<void> {
  const cold = await measureStarts(0);
  const warm = await measureStarts(POOL_SIZE);
  const detail = (timing: Timing) => `p95 ${String(timing.p95)} ms (n=${String(timing.samples)})`;
  put(
    results,
    'start_warm_ms',
    warm.median,
    'ms',
    `${detail(warm)}, process provider, pool ${String(POOL_SIZE)}`,
  );
  put(results, 'start_cold_ms', cold.median, 'ms', `${detail(cold)}, process provider, pool 0`);
  put(results, 'cold_over_warm', cold.median / warm.median, 'x', 'p50 over p50, one run');
}
