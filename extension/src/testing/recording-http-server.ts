/**
 * @module A tiny node:http server on a free port for the HTTP clients' tests: it records each
 * request (method, URL, headers, JSON body) and answers with whatever the test scripted.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A scripted answer; `body` is sent as JSON unless it is a string. */
export interface ScriptedResponse {
  status: number;
  body?: unknown;
  /** Wait this long before answering (to test timeouts). */
  delayMs?: number;
}

/** Answers requests from a script, recording them. */
export class RecordingHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Answers by `METHOD /path`; unmatched requests get 404. */
  readonly routes = new Map<string, ScriptedResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RecordingHttpServer> {
    const holder: { self?: RecordingHttpServer } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        holder.self?.requests.push(recorded);
        const scripted = holder.self?.routes.get(`${recorded.method} ${recorded.url}`) ?? { status: 404 };
        setTimeout(() => {
          const payload =
            scripted.body === undefined
              ? ''
              : typeof scripted.body === 'string'
                ? scripted.body
                : JSON.stringify(scripted.body);
          response.writeHead(scripted.status, { 'content-type': 'application/json' }).end(payload);
        }, scripted.delayMs ?? 0);
      });
    });
    holder.self = new RecordingHttpServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return holder.self;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}

/** A base URL where nothing listens (a port that was just freed). */
export async function deadUrl(): Promise<string> {
  const server = await RecordingHttpServer.start();
  const url = server.url;
  await server.stop();
  return url;
}
