import { ErrorBodySchema, ExecuteActionResponseSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { ErrorBody, ExecuteActionRequest, Observation, SandboxAction } from '@handoff/protocol';

/** Per-call options of {@link SandboxClient.execute}. */
export interface ExecuteOptions {
  /** Aborts the HTTP call (the user interrupted). */
  signal: AbortSignal;
  /** Sent as `X-Request-Id`, so a retried request can be recognised; the action id fits. */
  requestId: string;
}

/** Runs actions in the sandbox. */
export interface SandboxClient {
  /**
   * Runs one action and resolves with its observation (a failing command is an observation,
   * not an error). Rejects with a {@link SandboxClientError} when the action server cannot run
   * it, or with the abort reason once `signal` aborts.
   */
  execute(action: SandboxAction, options: ExecuteOptions): Promise<Observation>;
}

/** Base of every failure of the sandbox client. */
export class SandboxClientError extends Error {
  override readonly name: string = 'SandboxClientError';
}

/** Thrown when the action server answered with a non-2xx status. */
export class SandboxHttpError extends SandboxClientError {
  override readonly name = 'SandboxHttpError';
  /** The HTTP status. */
  readonly status: number;
  /** The server's error body, when it sent a valid one. */
  readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined) {
    super(`The action server answered HTTP ${status}${body ? ` (${body.code}): ${body.message}` : '.'}`);
    this.status = status;
    this.body = body;
  }
}

/** Thrown when the action server answered 2xx with a body that is not an `ExecuteActionResponse`. */
export class SandboxInvalidResponseError extends SandboxClientError {
  override readonly name = 'SandboxInvalidResponseError';
}

/** Thrown when no response came back: the connection failed or was cut. */
export class SandboxConnectionError extends SandboxClientError {
  override readonly name: string = 'SandboxConnectionError';
}

/** Thrown when no response came back in time. */
export class SandboxTimeoutError extends SandboxConnectionError {
  override readonly name = 'SandboxTimeoutError';
}

/** Maps a non-2xx response to a {@link SandboxHttpError}, keeping the error body when it is one. */
export function errorFromResponse(status: number, bodyText: string): SandboxHttpError {
  let body: ErrorBody | undefined;
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(bodyText));
    body = parsed.success ? parsed.data : undefined;
  } catch {
    body = undefined;
  }
  return new SandboxHttpError(status, body);
}

/** How to build an {@link HttpSandboxClient}. */
export interface HttpSandboxClientOptions {
  /** Base URL of the action server. */
  baseUrl: string;
  /** The sandbox's session key. */
  sessionApiKey: string;
  /** The command timeout the action server applies when an action names none (seconds). */
  defaultCommandTimeoutSec?: number;
  /** Extra time past the command's own timeout before the HTTP call gives up (seconds). */
  graceSec?: number;
  /** `fetch` to use (tests). */
  fetch?: typeof fetch;
}

/** Talks to the action server over HTTP (`POST /execute_action`). */
export class HttpSandboxClient implements SandboxClient {
  readonly #url: string;
  readonly #key: string;
  readonly #defaultTimeoutSec: number;
  readonly #graceSec: number;
  readonly #fetch: typeof fetch;

  constructor(options: HttpSandboxClientOptions) {
    this.#url = `${options.baseUrl.replace(/\/+$/, '')}/execute_action`;
    this.#key = options.sessionApiKey;
    this.#defaultTimeoutSec = options.defaultCommandTimeoutSec ?? 120;
    this.#graceSec = options.graceSec ?? 30;
    this.#fetch = options.fetch ?? fetch;
  }

  async execute(action: SandboxAction, options: ExecuteOptions): Promise<Observation> {
    const timeout = AbortSignal.timeout(
      ((action.timeoutSec ?? this.#defaultTimeoutSec) + this.#graceSec) * 1000,
    );
    const signal = AbortSignal.any([options.signal, timeout]);
    const body: ExecuteActionRequest = { action };
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SESSION_API_KEY_HEADER]: this.#key,
          'X-Request-Id': options.requestId,
        },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (options.signal.aborted) throw error;
      if (timeout.aborted)
        throw new SandboxTimeoutError('The action server did not answer in time.', { cause: error });
      throw new SandboxConnectionError(`Could not reach the action server: ${describeCause(error)}`, {
        cause: error,
      });
    }
    if (!response.ok) throw errorFromResponse(response.status, text);
    return parseObservation(text);
  }
}

function parseObservation(text: string): Observation {
  try {
    const parsed = ExecuteActionResponseSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.observation;
  } catch {
    // Falls through to the error below: not JSON.
  }
  throw new SandboxInvalidResponseError(
    'The action server answered with a body that is not an execute-action response.',
  );
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error)
    return `${error.message} (${(cause as NodeJS.ErrnoException).code ?? cause.message})`;
  return error.message;
}
