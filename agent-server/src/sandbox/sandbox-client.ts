import {
  ErrorBodySchema,
  ExecuteActionResponseSchema,
  GitChangesResponseSchema,
  GitCloneResponseSchema,
  GitCommitResponseSchema,
  InterruptResponseSchema,
  SESSION_API_KEY_HEADER,
  SetEnvironmentResponseSchema,
} from '@handoff/protocol';
import type {
  ErrorBody,
  ExecuteActionRequest,
  GitChangesResponse,
  GitCloneRequest,
  GitCloneResponse,
  GitCommitRequest,
  GitCommitResponse,
  InterruptRequest,
  InterruptResponse,
  Observation,
  SandboxAction,
  SetEnvironmentRequest,
  SetEnvironmentResponse,
} from '@handoff/protocol';
import type { z } from 'zod';
import { httpPost } from './http-post';

/** Per-call options of {@link SandboxClient.executeAction}. */
export interface ExecuteOptions {
  /**
   * Aborts the HTTP call (the user interrupted). The action server treats a client that went
   * away as an interrupt: a running command gets C-c.
   */
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
  executeAction(action: SandboxAction, options: ExecuteOptions): Promise<Observation>;
  /**
   * Interrupts the foreground command of a shell session (`POST /interrupt`); resolves with
   * whether one was running. Rejects with a {@link SandboxClientError} when that fails.
   */
  interrupt(session: string): Promise<InterruptResponse>;
}

/** Sets the variables the agent's commands get (`PUT /environment` of the action server). */
export interface SandboxEnvironmentClient {
  /**
   * Replaces the variables set earlier; resolves with the names now set. Rejects with a
   * {@link SandboxClientError} when the action server refuses or cannot be reached.
   */
  setEnvironment(request: SetEnvironmentRequest): Promise<SetEnvironmentResponse>;
}

/**
 * Git in the workspace (`/git/*` of the action server): it owns writes to the workspace. Each
 * call rejects with a {@link SandboxClientError} (an `SandboxHttpError` keeps the server's
 * error body), or with the abort reason once `signal` aborts.
 */
export interface SandboxGitClient {
  /** `POST /git/clone` into the empty workspace. */
  gitClone(request: GitCloneRequest, signal?: AbortSignal): Promise<GitCloneResponse>;
  /** `GET /git/changes`: the workspace against the clone's base commit. */
  gitChanges(signal?: AbortSignal): Promise<GitChangesResponse>;
  /** `POST /git/commit`: commits onto a branch and bundles it for the push. */
  gitCommit(request: GitCommitRequest, signal?: AbortSignal): Promise<GitCommitResponse>;
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

/** Thrown when the action server answered 2xx with a body that is not the expected response. */
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
  /** The key the action server requires (the session key, unless it has its own). */
  sessionApiKey: string;
  /** Extra time past a command's own hard timeout before the HTTP call gives up (seconds). */
  graceSec?: number;
  /** How long a file-editor call may take (seconds). */
  quickCallTimeoutSec?: number;
  /** How long an interrupt may take (seconds); short, since shutdown and pausing wait for it. */
  interruptTimeoutSec?: number;
  /** How long a git call may take (seconds); a clone is stopped by the action server after 10 minutes. */
  gitTimeoutSec?: number;
}

/**
 * Talks to the action server over HTTP (`POST /execute_action`, `POST /interrupt`).
 *
 * How long a call may take: a command with a hard timeout gets that plus a grace period; a
 * command without one gets no HTTP limit at all, because the sandbox answers it after its soft
 * timeout (no new output for 30 s) or when it ends, and a command that keeps printing may
 * rightly take long; the user's interrupt bounds it. Editor calls and interrupts are quick and
 * get a short limit. Requests go through `node:http`, which adds no limit of its own.
 */
export class HttpSandboxClient implements SandboxClient, SandboxEnvironmentClient, SandboxGitClient {
  readonly #baseUrl: string;
  readonly #key: string;
  readonly #graceSec: number;
  readonly #quickCallTimeoutSec: number;
  readonly #interruptTimeoutSec: number;
  readonly #gitTimeoutSec: number;

  constructor(options: HttpSandboxClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#key = options.sessionApiKey;
    this.#graceSec = options.graceSec ?? 30;
    this.#quickCallTimeoutSec = options.quickCallTimeoutSec ?? 60;
    this.#interruptTimeoutSec = options.interruptTimeoutSec ?? 10;
    this.#gitTimeoutSec = options.gitTimeoutSec ?? 11 * 60;
  }

  async executeAction(action: SandboxAction, options: ExecuteOptions): Promise<Observation> {
    const body: ExecuteActionRequest = { action };
    const text = await this.#post('/execute_action', body, {
      signal: options.signal,
      requestId: options.requestId,
      timeoutSec: this.#httpTimeoutSec(action),
    });
    return parseBody(text, ExecuteActionResponseSchema, 'an execute-action response').observation;
  }

  async interrupt(session: string): Promise<InterruptResponse> {
    const body: InterruptRequest = { session };
    const text = await this.#post('/interrupt', body, { timeoutSec: this.#interruptTimeoutSec });
    return parseBody(text, InterruptResponseSchema, 'an interrupt response');
  }

  async setEnvironment(request: SetEnvironmentRequest): Promise<SetEnvironmentResponse> {
    const text = await this.#post('/environment', request, {
      timeoutSec: this.#quickCallTimeoutSec,
      method: 'PUT',
    });
    return parseBody(text, SetEnvironmentResponseSchema, 'a set-environment response');
  }

  async gitClone(request: GitCloneRequest, signal?: AbortSignal): Promise<GitCloneResponse> {
    const text = await this.#post('/git/clone', request, this.#gitCall(signal));
    return parseBody(text, GitCloneResponseSchema, 'a git clone response');
  }

  async gitChanges(signal?: AbortSignal): Promise<GitChangesResponse> {
    const text = await this.#post('/git/changes', undefined, { ...this.#gitCall(signal), method: 'GET' });
    return parseBody(text, GitChangesResponseSchema, 'a git changes response');
  }

  async gitCommit(request: GitCommitRequest, signal?: AbortSignal): Promise<GitCommitResponse> {
    const text = await this.#post('/git/commit', request, this.#gitCall(signal));
    return parseBody(text, GitCommitResponseSchema, 'a git commit response');
  }

  #gitCall(signal: AbortSignal | undefined): { timeoutSec: number; signal?: AbortSignal } {
    return { timeoutSec: this.#gitTimeoutSec, ...(signal === undefined ? {} : { signal }) };
  }

  /** The HTTP limit of one action; `undefined` for none. */
  #httpTimeoutSec(action: SandboxAction): number | undefined {
    if (action.type === 'file_editor') return this.#quickCallTimeoutSec;
    return action.timeoutSec === undefined ? undefined : action.timeoutSec + this.#graceSec;
  }

  async #post(
    path: string,
    body: unknown,
    options: {
      signal?: AbortSignal;
      requestId?: string;
      timeoutSec: number | undefined;
      method?: 'POST' | 'PUT' | 'GET';
    },
  ): Promise<string> {
    const timeout =
      options.timeoutSec === undefined ? undefined : AbortSignal.timeout(options.timeoutSec * 1000);
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    let response: { status: number; text: string };
    try {
      response = await httpPost(`${this.#baseUrl}${path}`, {
        headers: {
          'content-type': 'application/json',
          [SESSION_API_KEY_HEADER]: this.#key,
          ...(options.requestId === undefined ? {} : { 'X-Request-Id': options.requestId }),
        },
        body: body === undefined ? '' : JSON.stringify(body),
        ...(options.method === undefined ? {} : { method: options.method }),
        ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
      });
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      if (timeout?.aborted === true)
        throw new SandboxTimeoutError('The action server did not answer in time.', { cause: error });
      throw new SandboxConnectionError(`Could not reach the action server: ${describeCause(error)}`, {
        cause: error,
      });
    }
    if (response.status < 200 || response.status > 299)
      throw errorFromResponse(response.status, response.text);
    return response.text;
  }
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string): T {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the error below: not JSON.
  }
  throw new SandboxInvalidResponseError(`The action server answered with a body that is not ${what}.`);
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error)
    return `${error.message} (${(cause as NodeJS.ErrnoException).code ?? cause.message})`;
  return error.message;
}
