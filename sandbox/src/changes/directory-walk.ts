import { lstatSync, readdirSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { UPLOAD_STAGING_PREFIX } from '../files/upload-staging';

/**
 * A timestamp this close to the scan's start is not trusted to show the next change: the file
 * system's clock is coarse (a tick of up to 10 ms, a second on some mounts), so an entry changed
 * again within the same tick would keep its stamp. Such entries are looked at again next scan
 * (git's "racily clean" rule).
 */
export const RACY_MS = 1000;

/** What a scan remembers of one directory. */
export interface DirState {
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  /** Listed too close to a change of the directory: list it again next scan. */
  racy: boolean;
  /** Names of the regular files and symlinks in it, sorted. */
  files: readonly string[];
  /** Names of its subdirectories (not `.git`), sorted. */
  subdirs: readonly string[];
}

/** Every directory of the tree, by path relative to the root (`''` for the root), walk order. */
export type DirTree = ReadonlyMap<string, DirState>;

/** The outcome of one walk. */
export interface WalkResult {
  dirs: DirTree;
  /** True when any directory was added, removed, or lists other names than before. */
  changed: boolean;
}

/** Names that are never part of the tracked workspace: git's internals and upload staging. */
export function isUntracked(name: string): boolean {
  return name === '.git' || name.startsWith(UPLOAD_STAGING_PREFIX);
}

/**
 * Walks the tree under `root`, listing again only the directories whose stamp changed since
 * `previous` (a file added, removed or renamed changes its directory's mtime and ctime), so an
 * unchanged tree costs one `lstat` per directory. Throws when `root` itself is gone.
 */
export function walkTree(root: string, previous: DirTree, scanStartMs: number): WalkResult {
  const dirs = new Map<string, DirState>();
  let changed = false;
  const stack = [''];
  for (let rel = stack.pop(); rel !== undefined; rel = stack.pop()) {
    const stats = lstatDir(rel === '' ? root : `${root}/${rel}`, rel === '');
    if (stats === undefined) continue;
    const before = previous.get(rel);
    const state = sameStamp(before, stats)
      ? before
      : listDir(rel === '' ? root : `${root}/${rel}`, stats, before, scanStartMs);
    if (state !== before && !sameNames(before, state)) changed = true;
    dirs.set(rel, state);
    for (let i = state.subdirs.length - 1; i >= 0; i--) {
      const name = state.subdirs[i] ?? '';
      stack.push(rel === '' ? name : `${rel}/${name}`);
    }
  }
  return { dirs, changed: changed || dirs.size !== previous.size };
}

function lstatDir(abs: string, isRoot: boolean): Stats | undefined {
  if (isRoot) {
    const stats = lstatSync(abs);
    if (!stats.isDirectory()) throw new Error(`The workspace ${abs} is not a directory.`);
    return stats;
  }
  try {
    const stats = lstatSync(abs, { throwIfNoEntry: false });
    return stats?.isDirectory() ? stats : undefined;
  } catch {
    return undefined;
  }
}

function sameStamp(before: DirState | undefined, stats: Stats): before is DirState {
  return (
    before !== undefined &&
    !before.racy &&
    before.ino === stats.ino &&
    before.mtimeMs === stats.mtimeMs &&
    before.ctimeMs === stats.ctimeMs
  );
}

function listDir(abs: string, stats: Stats, before: DirState | undefined, scanStartMs: number): DirState {
  const racy = Math.max(stats.mtimeMs, stats.ctimeMs) >= scanStartMs - RACY_MS;
  const stamp = { ino: stats.ino, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    // Unreadable (or just removed): keep what was known and try again next scan.
    return { ...stamp, racy: true, files: before?.files ?? [], subdirs: before?.subdirs ?? [] };
  }
  const files: string[] = [];
  const subdirs: string[] = [];
  for (const entry of entries) {
    if (isUntracked(entry.name)) continue;
    if (entry.isDirectory()) subdirs.push(entry.name);
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(entry.name);
  }
  return { ...stamp, racy, files: files.sort(), subdirs: subdirs.sort() };
}

function sameNames(before: DirState | undefined, after: DirState): boolean {
  return (
    before !== undefined && sameList(before.files, after.files) && sameList(before.subdirs, after.subdirs)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
