import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { DirectoryEntry, DirectoryListing } from '@handoff/protocol';
import { SandboxError } from '../errors';
import { resolveExisting } from './existing-path';

/** Entries `lstat`ed at once; enough to overlap the calls, few enough for huge folders. */
const STAT_BATCH = 256;

/**
 * Lists one workspace folder: every entry, hidden ones included, symlinks not followed,
 * folders first, then by name. An entry removed while listing is left out.
 */
export async function listDirectory(workspace: string, requested: string): Promise<DirectoryListing> {
  const { abs, stats } = await resolveExisting(workspace, requested);
  if (!stats.isDirectory()) {
    throw new SandboxError(
      'invalid_request',
      `The path "${requested}" is not a folder; only folders can be listed.`,
    );
  }
  const names = await readdir(abs);
  const entries: DirectoryEntry[] = [];
  for (let start = 0; start < names.length; start += STAT_BATCH) {
    const batch = names.slice(start, start + STAT_BATCH);
    const stated = await Promise.all(batch.map((name) => lstat(path.join(abs, name)).catch(() => undefined)));
    batch.forEach((name, i) => {
      const entry = stated[i];
      if (entry) entries.push(toEntry(name, entry));
    });
  }
  return { path: abs, entries: entries.sort(foldersFirst) };
}

function toEntry(name: string, stats: Stats): DirectoryEntry {
  return { name, kind: kindOf(stats), size: stats.size, modifiedAt: stats.mtime.toISOString() };
}

function kindOf(stats: Stats): DirectoryEntry['kind'] {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

function foldersFirst(a: DirectoryEntry, b: DirectoryEntry): number {
  const folder = Number(b.kind === 'directory') - Number(a.kind === 'directory');
  if (folder !== 0) return folder;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
