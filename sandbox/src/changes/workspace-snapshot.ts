import { readlinkSync } from 'node:fs';
import type { WorkspaceChange } from '@handoff/protocol';
import { walkTree } from './directory-walk';
import type { DirTree } from './directory-walk';
import { SIG_WIDTH } from './file-ops';
import { describeChange, kindOf, recordOf } from './file-record';
import type { FileRecord, RecordKind } from './file-record';
import type { ScanPool } from './scan-pool';

/**
 * The tree's files in walk order: relative paths, absolute paths and the records as of the last
 * scan, all index-aligned, so an unchanged tree is compared without a single map lookup.
 */
interface FileList {
  rels: readonly string[];
  abs: readonly string[];
  records: (FileRecord | undefined)[];
  /** Names the path list for the scan pool, which keeps the list it was last sent. */
  version: number;
}

/** An entry whose stamp changed: where it is in the list and what it now is. */
interface Candidate {
  index: number;
  kind: RecordKind;
}

/** What one scan found, before it is committed. */
interface ScanResult {
  /** New records by list index: entries that were (re)read. */
  seen: Map<number, FileRecord>;
  /** Listed entries that are no longer files or symlinks (by list index). */
  vanished: number[];
  /** Paths of records that are gone. */
  gone: string[];
}

/**
 * The workspace as of the last scan: every directory's stamp and listing, every file's stamp and
 * content hash. `scan()` compares the tree with it, reports what differs and moves it forward.
 * A file's content is read only when its stamp (inode, size, mtime, ctime, mode) changed, and it
 * counts as modified only when its content, executable bit, kind or link target differ.
 * Not safe to call concurrently; `ChangeTracker` serialises the calls.
 */
export class WorkspaceSnapshot {
  private dirs: DirTree = new Map();
  private files: FileList = { rels: [], abs: [], records: [], version: 0 };
  private nextVersion = 1;
  /** Every record by relative path; the source of truth `files.records` is aligned from. */
  private readonly records = new Map<string, FileRecord>();

  constructor(
    private readonly root: string,
    private readonly pool: ScanPool,
  ) {}

  /** Files and symlinks the snapshot holds. */
  get size(): number {
    return this.records.size;
  }

  /**
   * Compares the tree with the snapshot and returns what changed, unsorted. The snapshot moves
   * forward only when the whole scan succeeds, so a failed scan loses nothing.
   */
  async scan(): Promise<WorkspaceChange[]> {
    const startMs = Date.now();
    const walk = walkTree(this.root, this.dirs, startMs);
    const files = walk.changed ? this.listFiles(walk.dirs) : this.files;
    const sigs = await this.pool.stat(files.abs, files.version);
    const { candidates, vanished, gone } = this.classify(files, sigs, walk.changed);
    const seen = await this.inspect(files, sigs, candidates, startMs);
    const changes: WorkspaceChange[] = [];
    for (const [index, record] of seen) {
      const change = describeChange(files.rels[index] ?? '', files.records[index], record);
      if (change) changes.push(change);
    }
    for (const rel of gone) changes.push({ path: rel, kind: 'deleted' });
    this.commit(walk.dirs, files, { seen, vanished, gone });
    return changes;
  }

  private listFiles(dirs: DirTree): FileList {
    const rels: string[] = [];
    const abs: string[] = [];
    const records: (FileRecord | undefined)[] = [];
    for (const [dir, state] of dirs) {
      const base = dir === '' ? '' : `${dir}/`;
      for (const name of state.files) {
        const rel = base + name;
        rels.push(rel);
        abs.push(`${this.root}/${rel}`);
        records.push(this.records.get(rel));
      }
    }
    return { rels, abs, records, version: this.nextVersion++ };
  }

  /** Splits the listed entries into those to read again and the records that are gone. */
  private classify(
    files: FileList,
    sigs: Float64Array,
    listChanged: boolean,
  ): { candidates: Candidate[]; vanished: number[]; gone: string[] } {
    const candidates: Candidate[] = [];
    const vanished: number[] = [];
    const gone: string[] = [];
    for (let index = 0; index < files.rels.length; index++) {
      const at = index * SIG_WIDTH;
      const kind = kindOf(sigs[at + 4] ?? 0);
      const record = files.records[index];
      if (kind === undefined) {
        if (record) {
          vanished.push(index);
          gone.push(files.rels[index] ?? '');
        }
      } else if (record === undefined || record.racy || !record.sameStamp(sigs, at)) {
        candidates.push({ index, kind });
      }
    }
    if (listChanged) {
      const listed = new Set(files.rels);
      for (const rel of this.records.keys()) if (!listed.has(rel)) gone.push(rel);
    }
    return { candidates, vanished, gone };
  }

  /** Hashes the candidate files and reads the candidate links; entries that vanished are left out. */
  private async inspect(
    files: FileList,
    sigs: Float64Array,
    candidates: readonly Candidate[],
    startMs: number,
  ): Promise<Map<number, FileRecord>> {
    const regular = candidates.filter((candidate) => candidate.kind === 'file');
    const bytes = regular.reduce((sum, { index }) => sum + (sigs[index * SIG_WIDTH + 1] ?? 0), 0);
    const hashes = await this.pool.hash(
      regular.map(({ index }) => files.abs[index] ?? ''),
      bytes,
    );
    const seen = new Map<number, FileRecord>();
    regular.forEach(({ index }, i) => {
      const hashed = hashes[i];
      if (!hashed) return;
      const content = { kind: 'file', sha256: hashed.sha256, contentSize: hashed.size } as const;
      seen.set(index, recordOf(sigs, index * SIG_WIDTH, content, startMs));
    });
    for (const { index, kind } of candidates) {
      if (kind !== 'symlink') continue;
      const target = readTarget(files.abs[index] ?? '');
      if (target === undefined) continue;
      const content = { kind, target, contentSize: Buffer.byteLength(target) };
      seen.set(index, recordOf(sigs, index * SIG_WIDTH, content, startMs));
    }
    return seen;
  }

  private commit(dirs: DirTree, files: FileList, result: ScanResult): void {
    this.dirs = dirs;
    this.files = files;
    for (const [index, record] of result.seen) {
      files.records[index] = record;
      this.records.set(files.rels[index] ?? '', record);
    }
    for (const index of result.vanished) files.records[index] = undefined;
    for (const rel of result.gone) this.records.delete(rel);
  }
}

function readTarget(abs: string): string | undefined {
  try {
    return readlinkSync(abs);
  } catch {
    return undefined;
  }
}
