import { readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { Pack, ReadEntry } from 'tar';
import { SandboxError } from '../errors';
import type { Logger } from '../log';
import { resolveExisting } from './existing-path';
import { UPLOAD_STAGING_PREFIX } from './upload-staging';

/** A tar stream of one workspace path. */
export interface TarDownload {
  /** A file name for it: the path's base name plus `.tar`. */
  fileName: string;
  stream: ReadableStream<Uint8Array>;
}

/** The end-of-archive marker alone: the tar of an empty folder. */
const EMPTY_ARCHIVE_BYTES = 1024;

/**
 * Streams a workspace file or folder as a tar archive. A folder's entries are stored relative to
 * it (recursively, empty folders and modes included), a file under its own name; symlinks are
 * stored as symlinks, never followed. Files that vanish while packing are logged and left out.
 */
export async function downloadTar(
  workspace: string,
  requested: string,
  logger: Logger,
): Promise<TarDownload> {
  const { abs, stats } = await resolveExisting(workspace, requested);
  const fileName = `${abs === workspace ? 'workspace' : path.basename(abs)}.tar`;
  if (stats.isDirectory()) {
    const names = (await readdir(abs)).filter((name) => !name.startsWith(UPLOAD_STAGING_PREFIX)).sort();
    if (names.length === 0) return { fileName, stream: bytesStream(new Uint8Array(EMPTY_ARCHIVE_BYTES)) };
    return { fileName, stream: packStream(abs, names, logger) };
  }
  if (!stats.isFile()) {
    throw new SandboxError(
      'invalid_request',
      `The path "${requested}" is neither a file nor a folder; it cannot be downloaded.`,
    );
  }
  return { fileName, stream: packStream(path.dirname(abs), [path.basename(abs)], logger) };
}

function packStream(cwd: string, names: string[], logger: Logger): ReadableStream<Uint8Array> {
  const pack = new Pack({
    cwd,
    follow: false,
    filter: keep,
    onwarn: (code: string, message: string) => {
      logger.warn('download left an entry out', { code, reason: message });
    },
  });
  for (const name of names) pack.add(name);
  pack.end();
  const chunks = pack[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done === true) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return();
    },
  });
}

/** Regular files, folders and symlinks only; no upload staging folders. */
function keep(entryPath: string, entry: Stats | ReadEntry): boolean {
  if (entry instanceof ReadEntry || path.basename(entryPath).startsWith(UPLOAD_STAGING_PREFIX)) return false;
  return entry.isFile() || entry.isDirectory() || entry.isSymbolicLink();
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** The HTTP response for a download: the tar stream, as an attachment. */
export function tarResponse(download: TarDownload): Response {
  return new Response(download.stream, {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${download.fileName.replace(/["\\\r\n]/g, '_')}"`,
    },
  });
}
