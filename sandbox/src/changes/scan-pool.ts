import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SIG_WIDTH, createFileOps } from './file-ops';
import type { FileOps, HashedFile } from './file-ops';

/** How a `ScanPool` spreads its work. */
export interface ScanPoolOptions {
  /** Worker threads to use for big trees; default: the cores, at most 4. 0 or 1: never. */
  workers?: number;
  /** Fewer paths than this are stat'ed on the calling thread (cheaper than a round trip). */
  inProcessBelow?: number;
  /** Hash on the calling thread only while the bytes to hash stay below this. */
  inProcessHashBytes?: number;
  /** Idle workers are ended after this long; the next scan starts new ones. */
  idleMs?: number;
}

const DEFAULT_MAX_WORKERS = 4;
const DEFAULT_IN_PROCESS_BELOW = 4_000;
const DEFAULT_IN_PROCESS_HASH_BYTES = 8 * 1024 * 1024;
const DEFAULT_IDLE_MS = 30_000;

type Request = { op: 'stat'; paths?: readonly string[] } | { op: 'hash'; paths: readonly string[] };

/** One worker and the version of the path list it holds. */
interface Slot {
  worker: Worker;
  version: number;
  length: number;
}

/**
 * Runs `FileOps` over many paths: on the calling thread for small jobs, split across worker
 * threads for big ones (a tree of 50,000 files is stat'ed in half the time on two cores). Each
 * worker keeps the last path list it was sent, so a scan of an unchanged tree sends only "again".
 * Workers are unreferenced while idle and ended after `idleMs`, so a pool never holds a process.
 */
export class ScanPool {
  private readonly local: FileOps = createFileOps();
  private localVersion = -1;
  private readonly slots: (Slot | undefined)[];
  private readonly inProcessBelow: number;
  private readonly inProcessHashBytes: number;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: ScanPoolOptions = {}) {
    const workers = options.workers ?? Math.min(DEFAULT_MAX_WORKERS, availableParallelism());
    this.slots = workers > 1 ? new Array<Slot | undefined>(workers).fill(undefined) : [];
    this.inProcessBelow = options.inProcessBelow ?? DEFAULT_IN_PROCESS_BELOW;
    this.inProcessHashBytes = options.inProcessHashBytes ?? DEFAULT_IN_PROCESS_HASH_BYTES;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /**
   * `lstat` of every path (`SIG_WIDTH` numbers each, see `FileOps.statPaths`). `version` names
   * the list: pass the same number for the same list and it is not sent again.
   */
  async stat(paths: readonly string[], version: number): Promise<Float64Array> {
    if (this.slots.length === 0 || paths.length < this.inProcessBelow) {
      const same = version === this.localVersion;
      this.localVersion = version;
      return this.local.statPaths(same ? undefined : paths);
    }
    this.localVersion = -1;
    const parts = await this.spread(paths, (slot, chunk) => {
      if (slot.version === version && slot.length === chunk.length) return { op: 'stat' };
      // A worker keeps the list even if another worker fails this call, so this may be set now.
      [slot.version, slot.length] = [version, chunk.length];
      return { op: 'stat', paths: chunk };
    });
    return concat(parts as Float64Array[], paths.length * SIG_WIDTH);
  }

  /** SHA-256 of each path that is a regular file (null otherwise); `bytes` is their total size. */
  async hash(paths: readonly string[], bytes: number): Promise<(HashedFile | null)[]> {
    if (this.slots.length === 0 || (paths.length < this.inProcessBelow && bytes < this.inProcessHashBytes)) {
      return this.local.hashFiles(paths);
    }
    const parts = await this.spread(paths, (_, chunk) => ({ op: 'hash', paths: chunk }));
    return (parts as (HashedFile | null)[][]).flat();
  }

  /** Ends every worker now. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const running = this.slots.filter((slot): slot is Slot => slot !== undefined);
    this.slots.fill(undefined);
    await Promise.all(running.map((slot) => slot.worker.terminate()));
  }

  private async spread(
    paths: readonly string[],
    request: (slot: Slot, chunk: readonly string[]) => Request,
  ): Promise<unknown[]> {
    clearTimeout(this.idleTimer);
    const count = this.slots.length;
    try {
      return await Promise.all(
        this.slots.map((_, index) => {
          const chunk = paths.slice(
            Math.floor((paths.length * index) / count),
            Math.floor((paths.length * (index + 1)) / count),
          );
          const slot = this.slotAt(index);
          return this.call(index, slot, request(slot, chunk));
        }),
      );
    } finally {
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private slotAt(index: number): Slot {
    const existing = this.slots[index];
    if (existing) return existing;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { worker, version: -1, length: -1 };
    this.slots[index] = slot;
    return slot;
  }

  /** One request to one worker; a worker that fails is dropped, so the next call starts afresh. */
  private call(index: number, slot: Slot, request: Request): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const { worker } = slot;
      const settle = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
      };
      const onMessage = (result: unknown): void => {
        settle();
        resolve(result);
      };
      const onError = (error: Error): void => {
        settle();
        if (this.slots[index] === slot) this.slots[index] = undefined;
        void worker.terminate();
        reject(error);
      };
      const onExit = (code: number): void => {
        onError(new Error(`A scan worker exited (code ${code}) before it answered.`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.ref();
      worker.postMessage(request);
    });
  }
}

const WORKER_SOURCE = `
const ops = (${createFileOps.toString()})();
const { parentPort } = process.getBuiltinModule('node:worker_threads');
parentPort.on('message', (request) => {
  if (request.op === 'stat') {
    const sigs = ops.statPaths(request.paths);
    parentPort.postMessage(sigs, [sigs.buffer]);
  } else {
    parentPort.postMessage(ops.hashFiles(request.paths));
  }
});
`;

function concat(parts: readonly Float64Array[], length: number): Float64Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
