/**
 * @module Uploads the user's workspace into a sandbox: list (git), measure (limit checked before
 * anything is sent), pack (tar, streamed) and `PUT /api/workspace/upload` on the agent server.
 */
import {
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  SESSION_API_KEY_HEADER,
  UploadResponseSchema,
} from '@handoff/protocol';
import { ConnectionError, HandoffError, InvalidResponseError, errorFromResponse } from '../agent/errors';
import { joinUrl } from '../agent/json-http';
import type { FetchLike } from '../agent/json-http';
import { inspectFiles } from './inspect-files';
import type { SkippedFile, WorkspaceInventory } from './inspect-files';
import { listWorkspaceFiles } from './list-workspace-files';
import { packWorkspace } from './pack-workspace';
import type { PackedWorkspace } from './pack-workspace';

/** The setting that caps an upload, in megabytes. */
export const MAX_UPLOAD_SETTING = 'handoff.maxUploadMb';
/** Its default. */
export const DEFAULT_MAX_UPLOAD_MB = 200;

/** How far an upload has come. */
export interface UploadProgress {
  /** Archive bytes handed to the connection so far. */
  sentBytes: number;
  /** The archive's expected size (an estimate: headers vary; never below `sentBytes`). */
  totalBytes: number;
}

/** What {@link uploadWorkspace} needs. */
export interface UploadWorkspaceOptions {
  /** The workspace folder (absolute). */
  root: string;
  /** The sandbox's agent server and its session key (sent as a header only). */
  server: { agentServerUrl: string; sessionApiKey: string };
  /** Most bytes of file content to send; above it nothing is sent. */
  limitBytes: number;
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload. */
  signal?: AbortSignal;
  /** Replaces the global `fetch` (tests). */
  fetch?: FetchLike;
}

/** What was uploaded. */
export interface WorkspaceUploadResult {
  /** Workspace-relative path (`/`-separated) → sha256 (hex) of the bytes uploaded; regular files only. */
  files: Map<string, string>;
  /** Bytes of file content uploaded. */
  bytes: number;
  /** Regular files uploaded. */
  count: number;
  /** Listed paths left out, and why (symlinks out of the workspace, submodules, vanished files). */
  skipped: SkippedFile[];
  /** How the files were chosen: `git ls-files`, or a walk of a folder outside git. */
  source: 'git' | 'walk';
}

/**
 * Uploads the files of `root` that git would commit (see `listWorkspaceFiles`) into the
 * sandbox's workspace, streaming a tar. Throws a `HandoffError` `payload_too_large` naming the
 * size, the limit and {@link MAX_UPLOAD_SETTING} before sending anything when the files add up
 * to more than `limitBytes`; the server's refusals as typed `ApiError`s; `ConnectionError` when
 * the agent server cannot be reached.
 */
export async function uploadWorkspace(options: UploadWorkspaceOptions): Promise<WorkspaceUploadResult> {
  const listed = await listWorkspaceFiles(options.root);
  const inventory = await inspectFiles(options.root, listed.paths);
  checkLimit(inventory, options.limitBytes);
  const totalBytes = estimateTarBytes(inventory);
  const packed = packWorkspace(options.root, inventory.entries, (sentBytes) => {
    options.onProgress?.({ sentBytes, totalBytes: Math.max(totalBytes, sentBytes) });
  });
  const response = await send(options, packed);
  const body = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, body, 'Uploading the workspace');
  const parsed = UploadResponseSchema.safeParse(body);
  if (!parsed.success)
    throw new InvalidResponseError(
      "Uploading the workspace: the server's answer does not match the protocol.",
    );
  const files = await packed.hashes;
  return {
    files,
    bytes: inventory.bytes,
    count: files.size,
    skipped: inventory.skipped,
    source: listed.source,
  };
}

/** The over-the-limit refusal: the size, the limit, and the setting that raises it. */
function checkLimit(inventory: WorkspaceInventory, limitBytes: number): void {
  if (inventory.bytes <= limitBytes) return;
  throw new HandoffError(
    'payload_too_large',
    `The workspace holds ${formatMb(inventory.bytes)} in ${String(inventory.count)} files, more than the upload limit of ${formatMb(limitBytes)}. ` +
      `Raise the setting "${MAX_UPLOAD_SETTING}", or add large files to .gitignore, then start the conversation again.`,
    { details: { bytes: inventory.bytes, limitBytes, files: inventory.count } },
  );
}

/** `12.3 MB` (megabytes of 1,048,576 bytes, as `handoff.maxUploadMb` counts them). */
export function formatMb(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

/** One 512-byte header per entry, content padded to 512, two end blocks. */
function estimateTarBytes(inventory: WorkspaceInventory): number {
  return inventory.entries.length * 512 + inventory.bytes + inventory.count * 511 + 1024;
}

async function send(options: UploadWorkspaceOptions, packed: PackedWorkspace): Promise<Response> {
  const url = joinUrl(options.server.agentServerUrl, '/api/workspace/upload?path=.');
  const doFetch = options.fetch ?? fetch;
  try {
    return await doFetch(url, {
      method: 'PUT',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-tar',
        [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION),
        [SESSION_API_KEY_HEADER]: options.server.sessionApiKey,
      },
      body: packed.stream,
      duplex: 'half',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    const failure = packed.failure();
    if (failure !== undefined) {
      throw new HandoffError(
        'internal_error',
        `Packing the workspace failed: ${failure.message}. A file probably changed while it was read; start the conversation again.`,
        { cause: failure },
      );
    }
    const why = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    throw new ConnectionError(
      `Uploading the workspace: cannot reach ${options.server.agentServerUrl}${why}. Is the sandbox running?`,
      error,
    );
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json());
  } catch {
    return undefined;
  }
}
