/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  median: number;
  p95: number;
  min: number;
  samples: number;
}

/** Summarises samples (ms). */
export function summarize(samples: number[]): Timing {
  if (samples.length === 0) throw new Error('No samples.');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), p95: round(at(0.95)), min: round(sorted[0]!), samples: sorted.length };
}

/** Rounds to 0.01. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Runs `fn` `warmup` + `n` times and returns the last `n` durations in ms. */
export async function time(n: number, fn: (i: number) => Promise<void>, warmup = 2): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + n; i += 1) {
    const start = performance.now();
    await fn(i);
    if (i >= warmup) samples.push(performance.now() - start);
  }
  return samples;
}
