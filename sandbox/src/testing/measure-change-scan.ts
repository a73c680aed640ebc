import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { ChangeTracker } from '../changes/change-tracker';
import { makeTree } from './make-tree';
import type { TreeShape } from './make-tree';
import { RecordingLogger } from './recording-logger';
import { createTempWorkspace } from './temp-workspace';

/** What `measureChangeScan` found, in milliseconds. */
export interface ChangeScanTimings {
  /** Files in the tree. */
  files: number;
  /** The first (baseline) scan: every file stat'ed and hashed. */
  baselineMs: number;
  /** Each scan after one appended line in one file, in order. */
  samplesMs: number[];
  /** Median of `samplesMs`. */
  p50Ms: number;
}

/**
 * Builds a `shape` tree in a temp folder, takes the baseline, then `rounds` times edits one
 * file and times the scan that reports it (`change_scan_ms_50k` with 5,000 × 10). Removes the tree.
 */
export async function measureChangeScan(
  shape: TreeShape = { dirs: 5_000, filesPerDir: 10 },
  rounds = 15,
): Promise<ChangeScanTimings> {
  const workspace = await createTempWorkspace('handoff-scan-bench-');
  const tracker = new ChangeTracker({ workspace: workspace.path, logger: new RecordingLogger() });
  try {
    const files = await makeTree(workspace.path, shape);
    let started = performance.now();
    await tracker.start();
    const baselineMs = performance.now() - started;
    const samplesMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const file = files[(round * 7919) % files.length] ?? '';
      await appendFile(path.join(workspace.path, file), `edit ${round}\n`);
      started = performance.now();
      const changes = await tracker.scan();
      samplesMs.push(performance.now() - started);
      if (changes.length !== 1 || changes[0]?.path !== file) {
        throw new Error(`The scan after editing ${file} reported ${JSON.stringify(changes)}.`);
      }
    }
    return { files: files.length, baselineMs, samplesMs, p50Ms: median(samplesMs) };
  } finally {
    await tracker.close();
    await workspace.dispose();
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
