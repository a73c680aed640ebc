import { constants } from 'node:fs';
import type { WorkspaceChange } from '@handoff/protocol';
import { RACY_MS } from './directory-walk';

/** The kinds of entries a snapshot tracks; directories are implied by their files. */
export type RecordKind = 'file' | 'symlink';

/**
 * What a snapshot remembers of one file or symlink: its stamp (to notice a change cheaply) and
 * its content (to tell a real change from a `touch`). A class, so every record has one shape
 * and the scan's hot loop stays fast.
 */
export class FileRecord {
  constructor(
    readonly ino: number,
    readonly size: number,
    readonly mtimeMs: number,
    readonly ctimeMs: number,
    readonly mode: number,
    /** Stamped too close to its scan to be trusted: look at the content again next scan. */
    readonly racy: boolean,
    readonly kind: RecordKind,
    /** SHA-256 of a regular file's content, hex; undefined for symlinks. */
    readonly sha256: string | undefined,
    /** Bytes hashed, or the length of a symlink's target. */
    readonly contentSize: number,
    /** Where a symlink points; undefined for regular files. */
    readonly target: string | undefined,
  ) {}

  get executable(): boolean {
    return (this.mode & 0o111) !== 0;
  }

  /** True when `sigs` (at `at`, laid out as `FileOps.statPaths` does) shows the same stamp. */
  sameStamp(sigs: Float64Array, at: number): boolean {
    return (
      this.ino === sigs[at] &&
      this.size === sigs[at + 1] &&
      this.mtimeMs === sigs[at + 2] &&
      this.ctimeMs === sigs[at + 3] &&
      this.mode === sigs[at + 4]
    );
  }
}

/** The kind an `lstat` mode shows, or undefined for directories, FIFOs, sockets, devices, gone. */
export function kindOf(mode: number): RecordKind | undefined {
  const type = mode & constants.S_IFMT;
  if (type === constants.S_IFREG) return 'file';
  if (type === constants.S_IFLNK) return 'symlink';
  return undefined;
}

/** What was seen of an entry: its stamp from `sigs` at `at` and its content. */
export interface Seen {
  kind: RecordKind;
  sha256?: string;
  target?: string;
  contentSize: number;
}

/** A record from a stamp and what was read; racy when stamped within `RACY_MS` of `scanStartMs`. */
export function recordOf(sigs: Float64Array, at: number, seen: Seen, scanStartMs: number): FileRecord {
  const mtimeMs = sigs[at + 2] ?? 0;
  const ctimeMs = sigs[at + 3] ?? 0;
  return new FileRecord(
    sigs[at] ?? 0,
    sigs[at + 1] ?? 0,
    mtimeMs,
    ctimeMs,
    sigs[at + 4] ?? 0,
    Math.max(mtimeMs, ctimeMs) >= scanStartMs - RACY_MS,
    seen.kind,
    seen.sha256,
    seen.contentSize,
    seen.target,
  );
}

/** The change from `before` to `after`, or undefined when only the stamp moved (a `touch`). */
export function describeChange(
  path: string,
  before: FileRecord | undefined,
  after: FileRecord,
): WorkspaceChange | undefined {
  const same =
    before !== undefined &&
    before.kind === after.kind &&
    before.sha256 === after.sha256 &&
    before.target === after.target &&
    before.executable === after.executable;
  if (same) return undefined;
  const kind = before === undefined ? 'created' : 'modified';
  if (after.kind === 'symlink') {
    return { path, kind, size: after.contentSize, symlinkTarget: after.target ?? '' };
  }
  return { path, kind, sha256: after.sha256 ?? '', size: after.contentSize, executable: after.executable };
}
