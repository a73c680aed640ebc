import type { WorkspaceChange } from '@handoff/protocol';
import { errorFields } from '../log';
import type { Logger } from '../log';
import { mergeChanges } from './merge-changes';
import { ScanPool } from './scan-pool';
import type { ScanPoolOptions } from './scan-pool';
import { WorkspaceSnapshot } from './workspace-snapshot';

/** What a `ChangeTracker` needs. */
export interface ChangeTrackerOptions {
  /** The workspace folder (absolute, real). */
  workspace: string;
  /** Where the baseline and failed scans are logged. */
  logger: Logger;
  /** How scans spread their work over threads. */
  pool?: ScanPoolOptions;
}

/**
 * Reports which workspace files were created, modified or deleted, by anything: the editor,
 * `sed -i`, `git checkout`, a generator, a background process. One baseline scan at start,
 * then each `scan()` reports everything since the previous one. Scans run one at a time, in
 * call order; `.git` internals are not tracked.
 */
export class ChangeTracker {
  private readonly pool: ScanPool;
  private readonly snapshot: WorkspaceSnapshot;
  private readonly logger: Logger;
  private tail: Promise<unknown> = Promise.resolve();
  private baseline: Promise<void> | undefined;
  private baselined = false;
  /** Changes an `absorb` scan saw outside the absorbed paths; the next `scan()` reports them. */
  private pending: WorkspaceChange[] = [];

  constructor(options: ChangeTrackerOptions) {
    this.pool = new ScanPool(options.pool);
    this.snapshot = new WorkspaceSnapshot(options.workspace, this.pool);
    this.logger = options.logger;
  }

  /**
   * Takes the baseline in the background (once; later calls return the same promise). Resolves
   * when it is done, also when it failed: then the next scan takes it again.
   */
  start(): Promise<void> {
    this.baseline ??= this.enqueue(() => this.takeBaseline()).catch((error: unknown) => {
      this.logger.error('workspace baseline scan failed', errorFields(error));
    });
    return this.baseline;
  }

  /** The changes since the previous scan, sorted by path. Rejects when the tree cannot be read. */
  scan(): Promise<WorkspaceChange[]> {
    void this.start();
    return this.enqueue(async () => {
      if (!this.baselined) {
        await this.takeBaseline();
        return [];
      }
      const changes = mergeChanges(this.pending, await this.snapshot.scan());
      this.pending = [];
      return changes;
    });
  }

  /** `scan()`, but a failure is logged and gives undefined: for callers that must not fail on it. */
  async scanOrLog(): Promise<WorkspaceChange[] | undefined> {
    try {
      return await this.scan();
    } catch (error) {
      this.logger.error('workspace change scan failed', errorFields(error));
      return undefined;
    }
  }

  /**
   * Takes `paths` (relative to the workspace) into the snapshot without reporting them, e.g. the
   * files an upload just wrote; other changes the scan sees are kept for the next `scan()`.
   */
  absorb(paths: Iterable<string>): Promise<void> {
    void this.start();
    const absorbed = new Set(paths);
    return this.enqueue(async () => {
      if (!this.baselined) return this.takeBaseline();
      const changes = await this.snapshot.scan();
      this.pending = mergeChanges(
        this.pending,
        changes.filter((change) => !absorbed.has(change.path)),
      );
    });
  }

  /** Waits for the running scan, then ends the pool's worker threads. */
  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.pool.close();
  }

  private async takeBaseline(): Promise<void> {
    const started = performance.now();
    await this.snapshot.scan();
    this.baselined = true;
    this.pending = [];
    this.logger.info('workspace baseline taken', {
      files: this.snapshot.size,
      ms: Math.round(performance.now() - started),
    });
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
