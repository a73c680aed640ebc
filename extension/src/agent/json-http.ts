/**
 * @module The one place the HTTP clients call `fetch`: it adds headers, enforces a timeout,
 * maps failures to typed errors and parses success bodies with a protocol schema.
 */
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER } from '@handoff/protocol';
import { ConnectionError, InvalidResponseError, TimeoutError, errorFromResponse } from './errors';

/** The part of a zod schema this module needs (keeps zod out of our own imports). */
export interface Parser<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
}

/** The `fetch` signature the clients accept; tests may pass their own. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options shared by the HTTP clients. */
export interface HttpClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Replaces the global `fetch` (tests). */
  fetch?: FetchLike;
}

/** One JSON request. Secrets travel only in `headers`, never in `path`. */
export interface JsonRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Used in error messages: "Starting a sandbox failed with HTTP 500." */
  what: string;
}

/** Joins a base URL and an absolute path, keeping any path prefix of the base. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

async function send(options: HttpClientOptions, request: JsonRequest, timeoutMs: number): Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  const url = joinUrl(options.baseUrl, request.path);
  try {
    return await doFetch(url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION),
        ...request.headers,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // `AbortSignal.timeout` rejects with a DOMException named TimeoutError; everything else
    // (ECONNREFUSED, DNS, reset) surfaces as a TypeError from undici.
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new TimeoutError(
        `${request.what}: ${options.baseUrl} did not answer within ${String(timeoutMs / 1000)} s.`,
        error,
      );
    }
    throw new ConnectionError(
      `${request.what}: cannot reach ${options.baseUrl}. Is the server running?`,
      error,
    );
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends `request`; resolves with the parsed body on 2xx, throws a typed error otherwise. */
export async function requestJson<T>(
  options: HttpClientOptions,
  request: JsonRequest,
  schema: Parser<T>,
): Promise<T> {
  const response = await send(options, request, options.timeoutMs ?? 30_000);
  const body = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, body, request.what);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidResponseError(`${request.what}: the server's answer does not match the protocol.`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}

/** Sends `request` and ignores the success body. */
export async function requestVoid(options: HttpClientOptions, request: JsonRequest): Promise<void> {
  const response = await send(options, request, options.timeoutMs ?? 30_000);
  const body = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, body, request.what);
}
