/** Edits kept per file for `undo_edit`, as OpenHands' `max_history_per_file`. */
export const MAX_UNDO_PER_FILE = 10;
/** All files' kept contents together stay under this, oldest dropped first, so memory stays bounded. */
export const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

interface Entry {
  bytes: Buffer;
  /** Global insertion order, to find the oldest entry across files. */
  seq: number;
}

/**
 * What each file held before the editor's last edits, newest last, in memory for the life of
 * the server. Contents are kept as bytes, so an undo restores encoding and line endings exactly.
 */
export class EditHistory {
  private readonly entries = new Map<string, Entry[]>();
  private totalBytes = 0;
  private nextSeq = 0;

  constructor(
    private readonly maxPerFile = MAX_UNDO_PER_FILE,
    private readonly maxBytes = MAX_HISTORY_BYTES,
  ) {}

  /** Remembers `bytes` as the content of `file` before an edit. */
  push(file: string, bytes: Buffer): void {
    const list = this.entries.get(file) ?? [];
    list.push({ bytes, seq: this.nextSeq++ });
    this.entries.set(file, list);
    this.totalBytes += bytes.length;
    if (list.length > this.maxPerFile) this.dropOldestOf(file);
    while (this.totalBytes > this.maxBytes && this.dropOldestOverall()) {
      // Each round drops one entry; the loop ends when under budget or empty.
    }
  }

  /** Takes the content `file` had before its last edit, or undefined when there is none. */
  pop(file: string): Buffer | undefined {
    const list = this.entries.get(file);
    const entry = list?.pop();
    if (list?.length === 0) this.entries.delete(file);
    if (entry === undefined) return undefined;
    this.totalBytes -= entry.bytes.length;
    return entry.bytes;
  }

  /** How many undo steps `file` has. */
  depth(file: string): number {
    return this.entries.get(file)?.length ?? 0;
  }

  private dropOldestOf(file: string): void {
    const list = this.entries.get(file);
    const dropped = list?.shift();
    if (dropped !== undefined) this.totalBytes -= dropped.bytes.length;
    if (list?.length === 0) this.entries.delete(file);
  }

  private dropOldestOverall(): boolean {
    let oldest: { file: string; seq: number } | undefined;
    for (const [file, list] of this.entries) {
      const first = list[0];
      if (first !== undefined && (oldest === undefined || first.seq < oldest.seq))
        oldest = { file, seq: first.seq };
    }
    if (oldest === undefined) return false;
    this.dropOldestOf(oldest.file);
    return true;
  }
}
