import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { SESSION_API_KEY_HEADER } from '@handoff/protocol';

/** Where the action server listens and the key it wants. */
export interface ActionServerTarget {
  /** Base URL, without a trailing slash. */
  baseUrl: string;
  /** Sent as `X-Session-API-Key`. */
  apiKey: string;
}

/** One upload to pass on. */
export interface ForwardUploadRequest {
  /** The `path` query as the client sent it (the action server checks it). */
  path: string;
  /** The tar stream; `null` for an empty body. */
  body: ReadableStream<Uint8Array> | null;
  /** The client's Content-Type, passed on. */
  contentType: string | undefined;
  /** The client's Content-Length, passed on when it sent one (else the body goes chunked). */
  contentLength: string | undefined;
  /** Aborts the upstream request (the client went away). */
  signal: AbortSignal;
}

/** The action server's answer, read whole (it is a small JSON body). */
export interface ForwardedAnswer {
  status: number;
  text: string;
}

/**
 * Streams an upload body to the action server's `PUT /files/upload` with `node:http` and
 * backpressure: the archive is never held in memory, and no timeout cuts a long upload short
 * (the client's disconnect does, through `signal`). Rejects when no answer came back.
 */
export function forwardUpload(
  target: ActionServerTarget,
  request: ForwardUploadRequest,
): Promise<ForwardedAnswer> {
  const url = new URL(`${target.baseUrl}/files/upload?path=${encodeURIComponent(request.path)}`);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const upstream = transport.request(url, {
      method: 'PUT',
      headers: {
        [SESSION_API_KEY_HEADER]: target.apiKey,
        'content-type': request.contentType ?? 'application/x-tar',
        ...(request.contentLength === undefined ? {} : { 'content-length': request.contentLength }),
      },
      signal: request.signal,
    });
    upstream.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    upstream.on('error', reject);
    if (request.body === null) {
      upstream.end();
      return;
    }
    const source = Readable.fromWeb(request.body);
    source.on('error', (error) => upstream.destroy(error));
    source.pipe(upstream);
  });
}
