import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ErrorBodySchema,
  MAX_WORKSPACE_FILE_BYTES,
  SESSION_API_KEY_HEADER,
  UploadResponseSchema,
  WORKSPACE_FILE_EXECUTABLE_HEADER,
  WORKSPACE_FILE_SHA256_HEADER,
  errorBody,
} from '@handoff/protocol';
import type { ErrorBody } from '@handoff/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningAgentServer } from '../agent-server';
import { startAgentServer } from '../agent-server';
import { silentLogger } from '../logger';
import { inProcessConfig } from '../testing/in-process-config';

const KEY = 'workspace-routes-session-key';
const ACTION_KEY = 'workspace-routes-action-key1';

/**
 * A stand-in action server: `PUT /files/upload` extracts the body with GNU tar into the shared
 * workspace as it arrives, and answers an `UploadResponse`; `onBytes` hears every chunk.
 */
interface StandIn {
  url: string;
  onBytes: ((total: number) => void) | undefined;
  close(): Promise<void>;
}

let workspace: string;

async function startStandIn(): Promise<StandIn> {
  const standIn: StandIn = { url: '', onBytes: undefined, close: () => Promise.resolve() };
  const server: Server = createServer((request, response) => {
    void upload(request, response, standIn);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  standIn.close = () =>
    new Promise((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  return standIn;
}

async function upload(request: IncomingMessage, response: ServerResponse, standIn: StandIn): Promise<void> {
  const answer = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const where = new URL(request.url ?? '/', 'http://x').searchParams.get('path') ?? '.';
  if (request.headers[SESSION_API_KEY_HEADER.toLowerCase()] !== ACTION_KEY) {
    request.resume();
    answer(401, errorBody('unauthorized', 'Wrong key.'));
    return;
  }
  if (where.startsWith('..')) {
    request.resume();
    answer(400, errorBody('invalid_request', `The upload path "${where}" leads outside the workspace.`));
    return;
  }
  const target = path.join(workspace, where);
  await mkdir(target, { recursive: true });
  const tar = spawn('tar', ['-x', '-C', target], { stdio: ['pipe', 'ignore', 'ignore'] });
  let bytes = 0;
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    standIn.onBytes?.(bytes);
  });
  request.pipe(tar.stdin);
  const code = await new Promise<number | null>((resolve) => tar.on('close', resolve));
  if (code !== 0) answer(400, errorBody('invalid_request', 'Upload refused: not a tar archive.'));
  else answer(200, { path: target, files: 2, bytes });
}

/** A tar of `files` (relative paths under `from`), made by GNU tar. */
function tarOf(from: string, files: string[]): Buffer {
  const result = spawnSync('tar', ['-c', '-C', from, ...files], { maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return result.stdout;
}

let standIn: StandIn;
let dir: string;
let server: RunningAgentServer;

beforeAll(async () => {
  standIn = await startStandIn();
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'workspace-routes-'));
  workspace = path.join(dir, 'workspace');
  await mkdir(workspace);
  server = await startAgentServer({
    config: {
      ...inProcessConfig(KEY, path.join(dir, 'state'), workspace),
      actionServerUrl: standIn.url,
      actionServerApiKey: ACTION_KEY,
    },
    logger: silentLogger,
  });
});

afterEach(async () => {
  standIn.onBytes = undefined;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function put(
  route: string,
  body: Uint8Array | ReadableStream<Uint8Array>,
  key: string | null = KEY,
  base = server.url,
): Promise<Response> {
  return fetch(`${base}${route}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/x-tar',
      ...(key === null ? {} : { [SESSION_API_KEY_HEADER]: key }),
    },
    body,
    duplex: 'half',
  });
}

function getFile(requested: string, key: string | null = KEY): Promise<Response> {
  return fetch(`${server.url}/api/workspace/file?path=${encodeURIComponent(requested)}`, {
    headers: key === null ? {} : { [SESSION_API_KEY_HEADER]: key },
  });
}

async function errorOf(response: Response): Promise<ErrorBody> {
  return ErrorBodySchema.parse(await response.json());
}

async function sourceTree(): Promise<string> {
  const source = path.join(dir, 'source');
  await mkdir(path.join(source, 'src'), { recursive: true });
  await writeFile(path.join(source, 'src', 'a file.ts'), 'export const a = 1;\n');
  await writeFile(path.join(source, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
  return source;
}

describe('PUT /api/workspace/upload', () => {
  it('passes a tar larger than the JSON body limit through to the action server', async () => {
    const archive = tarOf(await sourceTree(), ['src/a file.ts', 'big.bin']);
    const response = await put('/api/workspace/upload?path=.', new Uint8Array(archive));
    expect(response.status).toBe(200);
    expect(UploadResponseSchema.parse(await response.json())).toMatchObject({
      files: 2,
      bytes: archive.length,
    });
    expect(await readFile(path.join(workspace, 'src', 'a file.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect((await readFile(path.join(workspace, 'big.bin'))).length).toBe(3 * 1024 * 1024);
  });

  it('streams: the action server gets the first bytes before the client has sent the rest', async () => {
    const archive = tarOf(await sourceTree(), ['src/a file.ts', 'big.bin']);
    const half = archive.length / 2;
    const arrived = new Promise<void>((resolve) => {
      standIn.onBytes = (total) => {
        if (total >= 64 * 1024) resolve();
      };
    });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new Uint8Array(archive.subarray(0, half)));
        await arrived; // never resolves if the agent server waited for the whole body
        controller.enqueue(new Uint8Array(archive.subarray(half)));
        controller.close();
      },
    });
    const response = await put('/api/workspace/upload?path=sub', body);
    expect(response.status).toBe(200);
    expect(await readFile(path.join(workspace, 'sub', 'src', 'a file.ts'), 'utf8')).toContain('a = 1');
  });

  it("keeps the action server's refusal, and refuses a missing key itself", async () => {
    const refused = await put('/api/workspace/upload?path=../out', new Uint8Array(1024));
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toContain('leads outside the workspace');
    const keyless = await put('/api/workspace/upload?path=.', new Uint8Array(1024), null);
    expect(keyless.status).toBe(401);
    expect((await errorOf(keyless)).code).toBe('unauthorized');
  });

  it('answers 503 when the action server does not answer, 502 when it refuses our key', async () => {
    const gone = await startAgentServer({
      config: {
        ...inProcessConfig(KEY, path.join(dir, 'gone'), workspace),
        actionServerUrl: 'http://127.0.0.1:9',
      },
      logger: silentLogger,
    });
    const wrongKey = await startAgentServer({
      config: { ...inProcessConfig(KEY, path.join(dir, 'wrong'), workspace), actionServerUrl: standIn.url },
      logger: silentLogger,
    });
    try {
      const unreachable = await put('/api/workspace/upload?path=.', new Uint8Array(1024), KEY, gone.url);
      expect(unreachable.status).toBe(503);
      expect((await errorOf(unreachable)).code).toBe('sandbox_unavailable');
      const refused = await put('/api/workspace/upload?path=.', new Uint8Array(1024), KEY, wrongKey.url);
      expect(refused.status).toBe(502);
      expect((await errorOf(refused)).code).toBe('sandbox_unavailable');
    } finally {
      await gone.close();
      await wrongKey.close();
    }
  });
});

describe('GET /api/workspace/file', () => {
  it('answers the bytes with their sha256 and executable bit', async () => {
    await mkdir(path.join(workspace, 'bin'));
    const script = Buffer.from('#!/bin/sh\necho hé\n');
    await writeFile(path.join(workspace, 'bin', 'run me.sh'), script);
    await chmod(path.join(workspace, 'bin', 'run me.sh'), 0o755);
    await writeFile(path.join(workspace, 'data.bin'), Buffer.from([0, 255, 1, 254]));
    const response = await getFile('bin/run me.sh');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get(WORKSPACE_FILE_SHA256_HEADER)).toBe(
      createHash('sha256').update(script).digest('hex'),
    );
    expect(response.headers.get(WORKSPACE_FILE_EXECUTABLE_HEADER)).toBe('true');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(script);
    const binary = await getFile(path.join(workspace, 'data.bin'));
    expect(binary.headers.get(WORKSPACE_FILE_EXECUTABLE_HEADER)).toBe('false');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 255, 1, 254]);
  });

  it('refuses paths that lead out, directly or through a symlink, and folders', async () => {
    await writeFile(path.join(dir, 'secret.txt'), 'outside');
    await symlink(path.join(dir, 'secret.txt'), path.join(workspace, 'link'));
    await mkdir(path.join(workspace, 'folder'));
    for (const requested of ['../secret.txt', path.join(dir, 'secret.txt'), 'link', 'folder']) {
      const response = await getFile(requested);
      expect(response.status, requested).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_request');
    }
  });

  it('answers 404 for a missing file, 413 above 10 MiB, 400 without a path, 401 without a key', async () => {
    const missing = await getFile('nope/missing.txt');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('path_not_found');
    await writeFile(path.join(workspace, 'huge.bin'), '');
    await truncate(path.join(workspace, 'huge.bin'), MAX_WORKSPACE_FILE_BYTES + 1);
    const huge = await getFile('huge.bin');
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe('payload_too_large');
    const pathless = await fetch(`${server.url}/api/workspace/file`, {
      headers: { [SESSION_API_KEY_HEADER]: KEY },
    });
    expect(pathless.status).toBe(400);
    const keyless = await getFile('huge.bin', null);
    expect(keyless.status).toBe(401);
  });
});
