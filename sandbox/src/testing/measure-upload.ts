import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SESSION_API_KEY_HEADER, UploadResponseSchema } from '@handoff/protocol';
import { median } from './measure-change-scan';
import { startTestServer } from './start-test-server';
import { packTar } from './tar-builder';
import { createTempWorkspace } from './temp-workspace';

/** What `measureUpload` found. */
export interface UploadTimings {
  /** Size of the archive sent. */
  archiveBytes: number;
  /** Each `PUT /files/upload`, request to response, in order. */
  uploadMs: number[];
  /** Each `GET /files/download` of what was uploaded, until the last byte was read. */
  downloadMs: number[];
  /** Archive megabytes (10^6 bytes) per second, from the median upload. */
  uploadMbPerSec: number;
  /** The same for the median download. */
  downloadMbPerSec: number;
}

/**
 * Packs a workspace of `megabytes` of random content in `files` files (10 folders), then
 * `rounds` times uploads it through `PUT /files/upload` of a real action server on loopback
 * and downloads it again (`upload_mb_per_s` with the defaults). Cleans up after itself.
 */
export async function measureUpload(
  options: { megabytes?: number; files?: number; rounds?: number } = {},
): Promise<UploadTimings> {
  const { megabytes = 50, files = 500, rounds = 5 } = options;
  const source = await createTempWorkspace('handoff-upload-bench-');
  const server = await startTestServer();
  try {
    const perFile = Math.ceil((megabytes * 1_000_000) / files);
    for (let i = 0; i < files; i++) {
      await mkdir(path.join(source.path, `dir${i % 10}`), { recursive: true });
      await writeFile(path.join(source.path, `dir${i % 10}`, `file${i}.bin`), randomBytes(perFile));
    }
    const archive = await packTar(
      source.path,
      Array.from({ length: 10 }, (_, i) => `dir${i}`),
    );
    const headers = { [SESSION_API_KEY_HEADER]: server.sessionApiKey };
    const uploadMs: number[] = [];
    const downloadMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let started = performance.now();
      const response = await fetch(`${server.url}/files/upload?path=round${round}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/x-tar' },
        body: archive,
      });
      const result = UploadResponseSchema.parse(await response.json());
      uploadMs.push(performance.now() - started);
      if (result.files !== files) throw new Error(`The upload wrote ${result.files} files, not ${files}.`);
      started = performance.now();
      const download = await fetch(`${server.url}/files/download?path=round${round}`, { headers });
      await download.arrayBuffer();
      downloadMs.push(performance.now() - started);
      // The upload's own scan runs after its response; let it finish before the next round.
      await (await fetch(`${server.url}/changes/scan`, { method: 'POST', headers })).arrayBuffer();
    }
    const perSec = (ms: number): number => archive.length / 1_000_000 / (ms / 1000);
    return {
      archiveBytes: archive.length,
      uploadMs,
      downloadMs,
      uploadMbPerSec: perSec(median(uploadMs)),
      downloadMbPerSec: perSec(median(downloadMs)),
    };
  } finally {
    await server.close();
    await source.dispose();
  }
}
