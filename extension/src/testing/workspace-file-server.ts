/**
 * @module A real HTTP server with the agent server's `GET /api/workspace/file?path=` contract,
 * serving a folder: 200 raw bytes with `x-handoff-sha256` and `x-handoff-executable`, 404
 * `path_not_found`, 400 `invalid_request`, 401 without the session key, 413 above 10 MiB.
 * For the mirror's tests; the agent server implements the same route for real.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SESSION_API_KEY_HEADER } from '@handoff/protocol';

const MAX_BYTES = 10 * 1024 * 1024;

/** Serves `root`'s files to callers holding `sessionApiKey`. */
export class WorkspaceFileServer {
  /** Paths requested, in order. */
  readonly requested: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(root: string, sessionApiKey: string): Promise<WorkspaceFileServer> {
    const holder: { self?: WorkspaceFileServer } = {};
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== '/api/workspace/file' || request.method !== 'GET') {
        sendError(response, 404, 'route_not_found', 'No such route.');
      } else if (request.headers[SESSION_API_KEY_HEADER.toLowerCase()] !== sessionApiKey) {
        sendError(response, 401, 'unauthorized', 'Missing or wrong session key.');
      } else {
        const relative = url.searchParams.get('path') ?? '';
        holder.self?.requested.push(relative);
        void serveFile(root, relative, response);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new WorkspaceFileServer(server, `http://127.0.0.1:${String(port)}`);
    return holder.self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}

/** An error answer: status, code, message. */
type Refusal = [number, string, string];

async function serveFile(root: string, relative: string, response: ServerResponse): Promise<void> {
  const found = await readConfined(root, relative);
  if (Array.isArray(found)) {
    sendError(response, ...found);
    return;
  }
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'x-handoff-sha256': createHash('sha256').update(found.content).digest('hex'),
    'x-handoff-executable': String(found.executable),
  });
  response.end(found.content);
}

async function readConfined(
  root: string,
  relative: string,
): Promise<{ content: Buffer; executable: boolean } | Refusal> {
  const segments = relative.split('/');
  if (!relative || relative.startsWith('/') || segments.some((s) => s === '..' || s === ''))
    return [400, 'invalid_request', `Not a workspace path: ${relative}`];
  try {
    const realRoot = await realpath(root);
    const file = await realpath(path.join(realRoot, ...segments));
    if (!file.startsWith(realRoot + path.sep)) return [400, 'invalid_request', 'Outside the workspace.'];
    const info = await stat(file);
    if (!info.isFile()) return [404, 'path_not_found', `${relative} is not a file.`];
    if (info.size > MAX_BYTES) return [413, 'payload_too_large', `${relative} is over 10 MiB.`];
    return { content: await readFile(file), executable: (info.mode & 0o111) !== 0 };
  } catch {
    return [404, 'path_not_found', `${relative} does not exist.`];
  }
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message }));
}
