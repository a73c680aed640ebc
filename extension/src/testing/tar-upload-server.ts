/**
 * @module A stand-in for the agent server's `PUT /api/workspace/upload`: a node:http server on a
 * free port that checks the session key and extracts each uploaded tar (node-tar) into a folder,
 * as the action server does behind the real one.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESSION_API_KEY_HEADER, errorBody } from '@handoff/protocol';
import type { UploadResponse } from '@handoff/protocol';
import { Unpack } from 'tar';

/** What one upload request looked like. */
export interface ReceivedUpload {
  url: string;
  contentType: string | undefined;
  /** Archive bytes received. */
  bytes: number;
}

/** Extracts uploads into `target`; `received` records each request. */
export class TarUploadServer {
  readonly received: ReceivedUpload[] = [];

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    private readonly sessionApiKey: string,
  ) {}

  /** Starts on 127.0.0.1, port 0. */
  static async start(target: string, sessionApiKey: string): Promise<TarUploadServer> {
    const holder: { self?: TarUploadServer } = {};
    const server = createServer((request, response) => {
      void holder.self?.handle(request, response);
    });
    holder.self = new TarUploadServer(server, target, sessionApiKey);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return holder.self;
  }

  /** `http://127.0.0.1:port`. */
  get url(): string {
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const upload: ReceivedUpload = {
      url: request.url ?? '',
      contentType: request.headers['content-type'],
      bytes: 0,
    };
    this.received.push(upload);
    if (request.headers[SESSION_API_KEY_HEADER.toLowerCase()] !== this.sessionApiKey) {
      request.resume();
      answer(401, errorBody('unauthorized', 'Wrong key.'));
      return;
    }
    await mkdir(this.target, { recursive: true });
    let files = 0;
    let bytes = 0;
    const unpack = new Unpack({
      cwd: this.target,
      strict: true,
      preserveOwner: false,
      onReadEntry: (entry) => {
        if (entry.type === 'File') {
          files += 1;
          bytes += entry.size;
        }
      },
    });
    request.on('data', (chunk: Buffer) => {
      upload.bytes += chunk.length;
    });
    const finished = new Promise<void>((resolve, reject) => {
      unpack.on('finish', resolve);
      unpack.on('error', reject);
    });
    request.pipe(unpack);
    try {
      await finished;
      const body: UploadResponse = { path: this.target, files, bytes };
      answer(200, body);
    } catch (error) {
      answer(400, errorBody('invalid_request', `Not a tar archive: ${String(error)}`));
    }
  }
}
