import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** How `writeFileAtomic` writes. */
export interface AtomicWriteOptions {
  /** Permission bits to give the file; absent: the default for new files (0o666 less the umask). */
  mode?: number;
  /** Owner to give the file when it differs from the writer's own. */
  owner?: { uid: number; gid: number };
  /** Fail with EEXIST instead of replacing an existing file (for `create`). */
  exclusive?: boolean;
}

/** Longest part of the target's name reused in the temp file's name (names are capped at 255 bytes). */
const MAX_NAME_IN_TEMP = 64;

/**
 * Writes `data` to `target` so that readers see either the old file or the whole new one, never
 * a part: the bytes go to a temp file in the same directory, which gets its mode and owner, is
 * flushed to disk and then renamed over the target (or, when `exclusive`, hard-linked to it,
 * which fails if the target appeared meanwhile). The directory is flushed too, so the rename
 * survives a crash. On any failure the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  target: string,
  data: Buffer,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(target);
  try {
    await writeTemp(temp, data, options);
    if (options.exclusive === true) await linkExclusive(temp, target);
    else await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

/** Codes of file systems that cannot hard-link; there a check before the rename has to do. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

async function linkExclusive(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && NO_HARD_LINKS.has(String(error.code)))) throw error;
    if (await exists(target))
      throw Object.assign(new Error(`EEXIST: file already exists, link '${target}'`), { code: 'EEXIST' });
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

async function exists(target: string): Promise<boolean> {
  try {
    await lstat(target);
    return true;
  } catch {
    return false;
  }
}

function tempPathFor(target: string): string {
  const name = path.basename(target).slice(0, MAX_NAME_IN_TEMP);
  return path.join(path.dirname(target), `.${name}.${randomBytes(6).toString('hex')}.handoff-tmp`);
}

async function writeTemp(temp: string, data: Buffer, options: AtomicWriteOptions): Promise<void> {
  const handle = await open(temp, 'wx', 0o666);
  try {
    await handle.writeFile(data);
    await applyOwnerAndMode(handle, options);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Owner first: chown clears set-id bits, which the mode then restores. */
async function applyOwnerAndMode(handle: FileHandle, options: AtomicWriteOptions): Promise<void> {
  const { owner, mode } = options;
  if (owner !== undefined) {
    const stats = await handle.stat();
    if (stats.uid !== owner.uid || stats.gid !== owner.gid) await handle.chown(owner.uid, owner.gid);
  }
  if (mode !== undefined) await handle.chmod(mode);
}

/** Best effort: some file systems refuse to open or flush a directory, and the data is safe anyway. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Nothing to do: the rename itself has happened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
