/**
 * @module The synchronous file operations a scan runs in bulk: `lstat` of many paths and SHA-256
 * of many files. `createFileOps` is self-contained (no imports, no outer names: it reaches Node
 * through `process.getBuiltinModule`), because the scan pool also runs it in worker threads from
 * its source text; that keeps the server a single bundled file.
 */

/** Numbers per path in a `statPaths` result: ino, size, mtimeMs, ctimeMs, mode (0: missing). */
export const SIG_WIDTH = 5;

/** The content of one regular file, as hashed. */
export interface HashedFile {
  /** SHA-256, hex. */
  sha256: string;
  /** Bytes hashed. */
  size: number;
}

/** Bulk file operations; every method is synchronous and never throws for one bad path. */
export interface FileOps {
  /**
   * `lstat` of each path, `SIG_WIDTH` numbers each. A path that is gone (or cannot be stat'ed)
   * gets mode 0. With `paths` undefined, the list of the previous call is stat'ed again.
   */
  statPaths(paths: readonly string[] | undefined): Float64Array;
  /** SHA-256 of each path that is a regular file; null for anything else or a read failure. */
  hashFiles(paths: readonly string[]): (HashedFile | null)[];
}

/** Builds the operations. Must stay self-contained: it is also run from its source text. */
export function createFileOps(): FileOps {
  const fs = process.getBuiltinModule('node:fs');
  const crypto = process.getBuiltinModule('node:crypto');
  const width = 5;
  const chunkBytes = 1024 * 1024;
  const buffer = Buffer.allocUnsafe(chunkBytes);
  // O_NONBLOCK: opening a FIFO that replaced a file must not hang; O_NOFOLLOW: nor a symlink.
  const openFlags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
  let previous: readonly string[] = [];

  const lstat = (path: string) => {
    try {
      return fs.lstatSync(path, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  };

  const statPaths = (paths: readonly string[] | undefined): Float64Array => {
    if (paths !== undefined) previous = paths;
    const out = new Float64Array(previous.length * width);
    for (let i = 0; i < previous.length; i++) {
      const stats = lstat(previous[i] ?? '');
      if (stats === undefined) continue;
      const at = i * width;
      out[at] = stats.ino;
      out[at + 1] = stats.size;
      out[at + 2] = stats.mtimeMs;
      out[at + 3] = stats.ctimeMs;
      out[at + 4] = stats.mode;
    }
    return out;
  };

  const hashFile = (path: string): HashedFile | null => {
    let fd: number;
    try {
      fd = fs.openSync(path, openFlags);
    } catch {
      return null;
    }
    try {
      if (!fs.fstatSync(fd).isFile()) return null;
      const hash = crypto.createHash('sha256');
      let size = 0;
      for (;;) {
        const read = fs.readSync(fd, buffer, 0, chunkBytes, null);
        if (read === 0) break;
        hash.update(buffer.subarray(0, read));
        size += read;
      }
      return { sha256: hash.digest('hex'), size };
    } catch {
      return null;
    } finally {
      fs.closeSync(fd);
    }
  };

  return { statPaths, hashFiles: (paths) => paths.map(hashFile) };
}
