import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChangesResponseSchema, SESSION_API_KEY_HEADER, UploadResponseSchema } from '@handoff/protocol';
import { Pack } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureUpload } from '../testing/measure-upload';
import { startTestServer } from '../testing/start-test-server';
import type { TestServer } from '../testing/start-test-server';
import { createTempWorkspace } from '../testing/temp-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';
import { describeTree } from '../testing/tree-listing';

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** A tar of `names` under `cwd` as a web stream, packed while it is sent. */
function packStream(cwd: string, names: string[]): ReadableStream<Uint8Array> {
  const pack = new Pack({ cwd });
  for (const name of names) pack.add(name);
  pack.end();
  const chunks = pack[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done === true) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

describe('file transfer through the real HTTP server', () => {
  let server: TestServer;
  let source: TempWorkspace;
  const big = randomBytes(6 * 1024 * 1024 + 17);

  beforeAll(async () => {
    server = await startTestServer();
    source = await createTempWorkspace('handoff-source-');
    await mkdir(path.join(source.path, 'project', 'src'), { recursive: true });
    await writeFile(path.join(source.path, 'project', 'data.bin'), big);
    await writeFile(path.join(source.path, 'project', 'src', 'main.py'), 'print("hi")\n');
  });

  afterAll(async () => {
    await server.close();
    await source.dispose();
  });

  const headers = (): Record<string, string> => ({ [SESSION_API_KEY_HEADER]: server.sessionApiKey });

  it('streams an upload in, and the same tree back out', async () => {
    const init = {
      method: 'PUT',
      headers: { ...headers(), 'content-type': 'application/x-tar' },
      body: packStream(path.join(source.path, 'project'), ['data.bin', 'src']),
      duplex: 'half',
    };
    const response = await fetch(`${server.url}/files/upload?path=checkout`, init as RequestInit);
    expect(UploadResponseSchema.parse(await response.json())).toEqual({
      path: path.join(server.workspace, 'checkout'),
      files: 2,
      bytes: big.length + 'print("hi")\n'.length,
    });
    expect(sha256(await readFile(path.join(server.workspace, 'checkout', 'data.bin')))).toBe(sha256(big));

    const download = await fetch(`${server.url}/files/download?path=checkout`, { headers: headers() });
    expect(download.headers.get('content-type')).toBe('application/x-tar');
    const again = await fetch(`${server.url}/files/upload?path=again`, {
      method: 'PUT',
      headers: { ...headers(), 'content-type': 'application/x-tar' },
      body: Buffer.from(await download.arrayBuffer()),
    });
    expect(again.status).toBe(200);
    expect(await describeTree(path.join(server.workspace, 'again'))).toEqual(
      await describeTree(path.join(server.workspace, 'checkout')),
    );

    const scan = await fetch(`${server.url}/changes/scan`, { method: 'POST', headers: headers() });
    expect(ChangesResponseSchema.parse(await scan.json()).changes).toEqual([]);
  });

  it('measures uploads and downloads (the benchmark helper runs end to end)', async () => {
    const timings = await measureUpload({ megabytes: 2, files: 20, rounds: 2 });
    expect(timings.uploadMs).toHaveLength(2);
    expect(timings.downloadMs).toHaveLength(2);
    expect(timings.archiveBytes).toBeGreaterThan(2_000_000);
    expect(timings.uploadMbPerSec).toBeGreaterThan(0);
  });
});
