/**
 * @module What would be uploaded, measured before anything is sent: file count and bytes (for
 * the size limit), and the entries that cannot go (with why).
 */
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';

/** A listed path that is not uploaded, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** The listed paths sorted into what goes and what does not. */
export interface WorkspaceInventory {
  /** Paths to pack: regular files and symlinks that stay inside the workspace. */
  entries: string[];
  /** Regular files among them. */
  count: number;
  /** Their total size in bytes. */
  bytes: number;
  /** Paths left out: gone since listing, folders (git submodules), links out, special files. */
  skipped: SkippedFile[];
}

/** lstat calls in flight at once. */
const CONCURRENCY = 64;

/**
 * Looks at each listed path without following links. A symlink is kept as a link when its
 * target, read relative to the link, stays inside `root`; an absolute or escaping target is
 * skipped (the action server would refuse the whole archive for it).
 */
export async function inspectFiles(root: string, paths: readonly string[]): Promise<WorkspaceInventory> {
  const inventory: WorkspaceInventory = { entries: [], count: 0, bytes: 0, skipped: [] };
  for (let at = 0; at < paths.length; at += CONCURRENCY) {
    const batch = paths.slice(at, at + CONCURRENCY);
    const verdicts = await Promise.all(batch.map((rel) => inspectOne(root, rel)));
    for (const [index, verdict] of verdicts.entries()) {
      const rel = batch[index] ?? '';
      if (verdict.kind === 'skip') {
        inventory.skipped.push({ path: rel, reason: verdict.reason });
        continue;
      }
      inventory.entries.push(rel);
      if (verdict.kind === 'file') {
        inventory.count += 1;
        inventory.bytes += verdict.size;
      }
    }
  }
  return inventory;
}

type Verdict = { kind: 'file'; size: number } | { kind: 'symlink' } | { kind: 'skip'; reason: string };

async function inspectOne(root: string, rel: string): Promise<Verdict> {
  const absolute = path.join(root, rel);
  let stats;
  try {
    stats = await lstat(absolute);
  } catch {
    return { kind: 'skip', reason: 'no longer exists (deleted since it was committed?)' };
  }
  if (stats.isFile()) return { kind: 'file', size: stats.size };
  if (stats.isDirectory())
    return { kind: 'skip', reason: 'is a folder (a git submodule?); its files are not uploaded' };
  if (!stats.isSymbolicLink()) return { kind: 'skip', reason: 'is not a regular file or a symlink' };
  const target = await readlink(absolute);
  const resolved = path.resolve(path.dirname(absolute), target);
  const relative = path.relative(root, resolved);
  if (path.isAbsolute(target) || relative === '..' || relative.startsWith(`..${path.sep}`)) {
    return { kind: 'skip', reason: `is a symlink to "${target}", outside the workspace` };
  }
  return { kind: 'symlink' };
}
