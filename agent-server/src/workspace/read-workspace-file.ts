import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { MAX_WORKSPACE_FILE_BYTES } from '@handoff/protocol';
import { AgentServerError } from '../errors';
import { isNotFound, notFound, resolveExisting } from './confine';

/** One workspace file as `GET /api/workspace/file` serves it. */
export interface WorkspaceFile {
  /** The whole content. */
  bytes: Buffer;
  /** sha256 of `bytes`, hex. */
  sha256: string;
  /** Whether any executable bit is set. */
  executable: boolean;
}

/**
 * Reads one regular file of the workspace, confined to it (see `resolveExisting`). Throws
 * `path_not_found` (404), `invalid_request` (400) for a folder or special file or a path that
 * leads out, and `payload_too_large` (413) above `maxBytes`. The size is checked on the open
 * file, and the read stops past the limit, so a file growing meanwhile is refused too.
 */
export async function readWorkspaceFile(
  root: string,
  requested: string,
  maxBytes = MAX_WORKSPACE_FILE_BYTES,
): Promise<WorkspaceFile> {
  const real = await resolveExisting(root, requested);
  // Checked before opening too: opening a FIFO for reading would wait for a writer.
  if (!(await stat(real)).isFile()) throw notAFile(requested);
  const handle = await open(real, 'r').catch((error: unknown) => {
    throw isNotFound(error) ? notFound(requested) : error;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notAFile(requested);
    if (stats.size > maxBytes) throw tooLarge(requested, stats.size, maxBytes);
    const bytes = await readUpTo(handle, maxBytes + 1);
    if (bytes.length > maxBytes) throw tooLarge(requested, bytes.length, maxBytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { bytes, sha256, executable: (stats.mode & 0o111) !== 0 };
  } finally {
    await handle.close();
  }
}

async function readUpTo(handle: Awaited<ReturnType<typeof open>>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total >= limit) break;
  }
  return Buffer.concat(chunks, total);
}

function notAFile(requested: string): AgentServerError {
  return new AgentServerError(
    'invalid_request',
    `"${requested}" is not a regular file; give the path of a file.`,
  );
}

function tooLarge(requested: string, size: number, maxBytes: number): AgentServerError {
  return new AgentServerError(
    'payload_too_large',
    `"${requested}" holds ${String(size)} bytes, more than the ${String(maxBytes)} bytes one file read may return.`,
  );
}
