import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';

/** One entry of `describeTree`: what a round trip must keep. */
export interface TreeEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits (no file type). */
  mode: number;
  /** A file's content (UTF-8) or a symlink's target. */
  content?: string;
}

/** Every entry under `root` (not followed through symlinks), sorted by path, for comparisons. */
export async function describeTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const name of (await readdir(path.join(root, rel))).sort()) {
      const child = rel === '' ? name : `${rel}/${name}`;
      const abs = path.join(root, child);
      const stats = await lstat(abs);
      const mode = stats.mode & 0o7777;
      if (stats.isDirectory()) {
        entries.push({ path: child, kind: 'dir', mode });
        await visit(child);
      } else if (stats.isSymbolicLink()) {
        entries.push({ path: child, kind: 'symlink', mode, content: await readlink(abs) });
      } else if (stats.isFile()) {
        entries.push({ path: child, kind: 'file', mode, content: await readFile(abs, 'utf8') });
      } else {
        entries.push({ path: child, kind: 'other', mode });
      }
    }
  };
  await visit('');
  return entries;
}
