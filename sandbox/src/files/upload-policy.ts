import path from 'node:path';
import type { ReadEntry } from 'tar';
import { SandboxError } from '../errors';
import { isInside } from '../workspace/confine';

/** How much one upload may write. */
export interface UploadLimits {
  /** Bytes of file content (after decompression). */
  maxBytes: number;
  /** Entries of any kind: files, directories, links. */
  maxEntries: number;
}

/** 2 GiB of content and 500,000 entries. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 2 * 1024 ** 3, maxEntries: 500_000 };

const REGULAR_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Checks every entry of an uploaded archive before it is written, and counts what it lets through.
 * Refused: absolute paths and `..`; symlinks that point outside the workspace; hard links to
 * anything but a regular file earlier in the same archive; any entry below (or replacing) a
 * symlink of the archive, the classic "link, then file through the link" attack; devices, FIFOs
 * and other special entries; more content or entries than the limits. Set-user-ID, set-group-ID
 * and sticky bits are dropped from modes.
 */
export class UploadPolicy {
  /** Regular files (and hard links) let through. */
  files = 0;
  /** Bytes of their content. */
  bytes = 0;
  private entries = 0;
  private readonly symlinks = new Set<string>();
  private readonly regular = new Set<string>();
  /** Every folder some admitted entry lies in. */
  private readonly parents = new Set<string>();
  /** Paths (archive-relative, normalised) of every file, hard link and symlink let through. */
  readonly written: string[] = [];
  /**
   * The symlinks let through, in archive order. node-tar does not write them (it would rewrite
   * absolute targets); the upload creates them once every other entry is in place.
   */
  readonly symlinkEntries: { rel: string; target: string }[] = [];

  /**
   * @param targetDir where the archive is extracted (absolute, real)
   * @param workspace the workspace root (absolute, real)
   */
  constructor(
    private readonly targetDir: string,
    private readonly workspace: string,
    private readonly limits: UploadLimits,
  ) {}

  /**
   * Throws a `SandboxError` for an entry that must not be written. True: node-tar writes it;
   * false: it does not (the folder itself, or a symlink, kept in `symlinkEntries`).
   */
  admit(entry: ReadEntry): boolean {
    const rel = normalizeEntryPath(entry.path);
    if (rel === '') {
      if (entry.type === 'Directory') return false; // "./": the target itself, which exists
      throw refused(entry.path, 'has an empty path');
    }
    this.count(entry);
    this.refuseThroughSymlink(rel, entry.path);
    this.addParents(rel);
    entry.mode = (entry.mode ?? 0o644) & 0o777;
    if (entry.type === 'Directory') {
      this.parents.add(rel);
      return true;
    }
    if (entry.type === 'SymbolicLink') {
      this.admitSymlink(rel, entry);
      this.written.push(rel);
      return false;
    }
    if (entry.type === 'Link') {
      this.admitHardLink(entry);
      this.files += 1;
    } else if (REGULAR_TYPES.has(entry.type)) {
      this.regular.add(rel);
      this.files += 1;
      this.bytes += entry.size;
    } else {
      throw refused(entry.path, `is a ${entry.type} entry; only files, folders and links are accepted`);
    }
    this.written.push(rel);
    return true;
  }

  private count(entry: ReadEntry): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new SandboxError(
        'payload_too_large',
        `The archive has more than ${this.limits.maxEntries} entries, the most one upload may hold; upload it in parts.`,
      );
    }
    if (REGULAR_TYPES.has(entry.type) && this.bytes + entry.size > this.limits.maxBytes) {
      throw new SandboxError(
        'payload_too_large',
        `The archive holds more than ${this.limits.maxBytes} bytes of file content, the most one upload may write; upload it in parts.`,
      );
    }
  }

  private refuseThroughSymlink(rel: string, raw: string): void {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.symlinks.has(prefix)) {
        throw refused(raw, `would be written through (or over) the symlink "${prefix}" of the same archive`);
      }
    }
  }

  private addParents(rel: string): void {
    for (let at = rel.indexOf('/'); at !== -1; at = rel.indexOf('/', at + 1))
      this.parents.add(rel.slice(0, at));
  }

  private admitSymlink(rel: string, entry: ReadEntry): void {
    if (this.parents.has(rel)) throw refused(entry.path, 'is a symlink over a folder of the same archive');
    const target = entry.linkpath ?? '';
    const final = path.join(this.targetDir, rel);
    const resolved = path.resolve(path.dirname(final), target);
    if (target === '' || target.includes('\0') || !isInside(this.workspace, resolved)) {
      throw refused(
        entry.path,
        `is a symlink to "${target}", outside the workspace; links must point inside ${this.workspace}`,
      );
    }
    this.symlinks.add(rel);
    this.regular.delete(rel);
    this.symlinkEntries.push({ rel, target });
  }

  private admitHardLink(entry: ReadEntry): void {
    const target = entry.linkpath ?? '';
    const rel = safeNormalize(target);
    if (rel === undefined || !this.regular.has(rel)) {
      throw refused(
        entry.path,
        `is a hard link to "${target}"; hard links may only point to a regular file earlier in the same archive`,
      );
    }
  }
}

/**
 * An entry path relative to the extraction folder, `/`-separated, without `.` parts; `''` for
 * the folder itself. Throws for absolute paths, `..` and NUL bytes.
 */
export function normalizeEntryPath(raw: string): string {
  const rel = safeNormalize(raw);
  if (rel === undefined) {
    throw refused(raw, 'is absolute or contains ".."; entry paths must stay inside the upload folder');
  }
  return rel;
}

function safeNormalize(raw: string): string | undefined {
  if (raw.includes('\0') || raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return undefined;
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  return parts.includes('..') ? undefined : parts.join('/');
}

/** The refusal of one archive entry, saying which and why. */
export function refused(entryPath: string, why: string): SandboxError {
  return new SandboxError('invalid_request', `Upload refused: the archive entry "${entryPath}" ${why}.`);
}
