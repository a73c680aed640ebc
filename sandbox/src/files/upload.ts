import { chown, lchown, lstat, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { UploadResponse } from '@handoff/protocol';
import { ReadEntry, Unpack } from 'tar';
import type { CommandUser } from '../actions/action-context';
import type { ChangeTracker } from '../changes/change-tracker';
import { SandboxError } from '../errors';
import { errorFields } from '../log';
import type { Logger } from '../log';
import { resolveInWorkspace } from '../workspace/confine';
import { moveIntoPlace } from './move-into-place';
import { UploadPolicy, refused } from './upload-policy';
import type { UploadLimits } from './upload-policy';
import { UPLOAD_STAGING_PREFIX } from './upload-staging';

/** What `uploadTar` needs. */
export interface UploadOptions {
  /** The workspace root (absolute, real). */
  workspace: string;
  /** The folder to extract into, as the client gave it; created when missing. */
  requested: string;
  /** The request body: a tar stream (gzip is recognised too). */
  body: ReadableStream<Uint8Array> | null;
  /** The request's `Content-Type`, if it sent one. */
  contentType: string | undefined;
  limits: UploadLimits;
  /** Owner of everything written; the server's own user when undefined. */
  owner?: CommandUser | undefined;
  /** Told about the written files, so they are not reported as the agent's changes. */
  changes?: ChangeTracker | undefined;
  logger: Logger;
}

/**
 * Extracts a tar stream into a workspace folder, streaming (the archive is never held in memory).
 * Entries go to a staging folder inside the target first (same file system, skipped by scans)
 * and move into place only once the whole archive was read and checked (see `UploadPolicy` and
 * `moveIntoPlace`), so a refused, broken or cut-off upload leaves nothing behind.
 */
export async function uploadTar(options: UploadOptions): Promise<UploadResponse> {
  const { workspace, requested } = options;
  checkContentType(options.contentType);
  const target = await resolveInWorkspace(workspace, requested, {
    mustExist: false,
    label: 'The upload path',
  });
  const created = await ensureFolder(target, requested, options.owner);
  const staging = await mkdtemp(path.join(target, UPLOAD_STAGING_PREFIX));
  try {
    const policy = new UploadPolicy(target, workspace, options.limits);
    await extract(options.body, staging, policy, options.owner);
    await createSymlinks(staging, policy, options.owner);
    await moveIntoPlace(staging, target);
    const written = policy.written.map((rel) => path.relative(workspace, path.join(target, rel)));
    void options.changes?.absorb(written).catch((error: unknown) => {
      options.logger.error('workspace scan after an upload failed', errorFields(error));
    });
    return { path: target, files: policy.files, bytes: policy.bytes };
  } catch (error) {
    if (created !== undefined) await rm(created, { recursive: true, force: true });
    throw error;
  } finally {
    // Retries: after a refusal node-tar may still be finishing a write inside the staging folder.
    await rm(staging, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  }
}

/** Creates the archive's symlinks in the staging folder, in archive order (a later one wins). */
async function createSymlinks(
  staging: string,
  policy: UploadPolicy,
  owner: CommandUser | undefined,
): Promise<void> {
  for (const { rel, target } of policy.symlinkEntries) {
    const at = path.join(staging, rel);
    try {
      await makeFolders(path.dirname(at), owner);
      await rm(at, { force: true });
      await symlink(target, at);
      if (owner !== undefined) await lchown(at, owner.uid, owner.gid);
    } catch (error) {
      // E.g. a file of the archive stands where the link's folder would be.
      const reason = error instanceof Error ? error.message : String(error);
      throw refused(rel, `cannot be created as a symlink (${reason})`);
    }
  }
}

/** Media types a tar upload may be sent as; none at all is accepted too. */
const TAR_TYPES = new Set([
  'application/x-tar',
  'application/tar',
  'application/octet-stream',
  'application/gzip',
  'application/x-gzip',
]);

function checkContentType(contentType: string | undefined): void {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || type === '' || TAR_TYPES.has(type)) return;
  throw new SandboxError(
    'invalid_request',
    `An upload is a tar stream: send it with Content-Type application/x-tar, not ${type}.`,
  );
}

/** Makes sure `target` is a folder; returns the first folder it had to create, if any. */
async function ensureFolder(
  target: string,
  requested: string,
  owner: CommandUser | undefined,
): Promise<string | undefined> {
  const stats = await lstat(target).catch(() => undefined);
  if (stats?.isDirectory() === true) return undefined;
  if (stats !== undefined) {
    throw new SandboxError(
      'invalid_request',
      `The upload path "${requested}" is not a folder; give a folder to extract into.`,
    );
  }
  return makeFolders(target, owner);
}

/** `mkdir -p`, giving each folder it creates to `owner`; returns the first one created. */
async function makeFolders(dir: string, owner: CommandUser | undefined): Promise<string | undefined> {
  const first = await mkdir(dir, { recursive: true });
  if (first !== undefined && owner !== undefined) {
    for (let at = dir; at.length >= first.length; at = path.dirname(at))
      await chown(at, owner.uid, owner.gid);
  }
  return first;
}

/**
 * Streams `body` into node-tar's `Unpack` with backpressure. When the policy refuses an entry or
 * the archive is broken, extraction stops and the rest of the body is read and dropped, so the
 * client still gets the error response on a healthy connection.
 */
async function extract(
  body: ReadableStream<Uint8Array> | null,
  staging: string,
  policy: UploadPolicy,
  owner: CommandUser | undefined,
): Promise<void> {
  let refusal: Error | undefined;
  const unpack: Unpack = new Unpack({
    cwd: staging,
    strict: true,
    preserveOwner: false,
    ...(owner === undefined ? {} : { uid: owner.uid, gid: owner.gid }),
    filter: (_path, entry) => {
      if (refusal !== undefined || !(entry instanceof ReadEntry)) return false;
      try {
        return policy.admit(entry);
      } catch (error) {
        refusal = error instanceof Error ? error : new Error(String(error));
        unpack.abort(refusal);
        return false;
      }
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    unpack.on('finish', resolve);
    unpack.on('error', reject);
  });
  const fed = await feed(body, unpack, finished);
  try {
    await finished;
  } catch (error) {
    if (refusal !== undefined) throw refusal;
    if (fed.onlyZeros && fed.bytes >= EMPTY_ARCHIVE_MIN_BYTES) return; // an empty archive
    throw badArchive(error);
  }
}

/** A tar archive with no entries is at least one zero block (two, by the standard). */
const EMPTY_ARCHIVE_MIN_BYTES = 512;

interface Fed {
  bytes: number;
  /** Every byte was zero: an empty archive, which node-tar calls unrecognised. */
  onlyZeros: boolean;
}

async function feed(
  body: ReadableStream<Uint8Array> | null,
  unpack: Unpack,
  finished: Promise<void>,
): Promise<Fed> {
  const state = { failed: false };
  const settled = finished.then(
    () => undefined,
    () => {
      state.failed = true;
    },
  );
  const fed: Fed = { bytes: 0, onlyZeros: true };
  const reader = body?.getReader();
  for (;;) {
    const chunk = reader === undefined ? undefined : await reader.read();
    if (chunk === undefined || chunk.done) break;
    if (state.failed) continue;
    const bytes = chunk.value;
    fed.bytes += bytes.byteLength;
    if (fed.onlyZeros && bytes.some((byte) => byte !== 0)) fed.onlyZeros = false;
    if (!unpack.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
      await Promise.race([new Promise((resolve) => unpack.once('drain', resolve)), settled]);
    }
  }
  unpack.end();
  return fed;
}

function badArchive(error: unknown): SandboxError {
  const detail = error instanceof Error ? error.message : String(error);
  return new SandboxError(
    'invalid_request',
    `The upload is not a readable tar archive (${detail}); send a tar stream (optionally gzip-compressed) as the body. Nothing was changed.`,
    { cause: error },
  );
}
