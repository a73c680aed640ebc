import http from 'node:http';
import https from 'node:https';

/** What came back from {@link httpPost}. */
export interface HttpPostResult {
  status: number;
  text: string;
}

/**
 * POSTs (or PUTs, or GETs with an empty body) a body and reads the whole answer, with `node:http`. Unlike `fetch` (undici), it has
 * no headers or body timeout of its own (undici gives up after 300 s), so a call lasts exactly
 * as long as `signal` allows: a command with a one-hour hard timeout can take one hour.
 */
export function httpPost(
  url: string,
  options: {
    headers: Record<string, string>;
    body: string;
    signal?: AbortSignal;
    method?: 'POST' | 'PUT' | 'GET';
  },
): Promise<HttpPostResult> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: options.method ?? 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
        response.on('close', () => {
          // After 'end' this settles nothing; before it, the answer was cut off.
          if (!response.complete) reject(new Error('The connection closed before the answer was complete.'));
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
