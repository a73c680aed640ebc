/**
 * @module The webview side of the typed channel (`channels/webview` in the protocol): typed
 * requests correlated by id, typed notification handlers, and validation of everything the
 * host sends. `start()` announces the webview with `webview/ready`.
 */
import { HostToWebviewMessageSchema, hostNotifications, webviewRequests } from '@handoff/protocol';
import type {
  ErrorBody,
  HostNotificationName,
  HostNotificationParams,
  HostToWebviewMessage,
  ValidationFailure,
  WebviewRequestName,
  WebviewRequestParams,
  WebviewRequestResult,
  WebviewToHostMessage,
} from '@handoff/protocol';

/** How messages travel between the webview and the host; the window in VS Code, a fake in tests. */
export interface HostTransport {
  post(message: WebviewToHostMessage): void;
  /** Calls `handler` with each raw incoming message; returns the unsubscribe function. */
  onMessage(handler: (data: unknown) => void): () => void;
}

/** Thrown by `request` when the host answered with an error; `body.code` says why. */
export class HostRequestError extends Error {
  override readonly name = 'HostRequestError';
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

/** Where the client reports messages it drops. */
export interface HostClientLogger {
  warn(message: string, ...details: unknown[]): void;
}

interface Parser {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: ValidationFailure };
}

interface PendingRequest {
  readonly method: WebviewRequestName;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Talks to the extension host over a {@link HostTransport}. */
export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly handlers = new Map<HostNotificationName, Set<(params: unknown) => void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly transport: HostTransport,
    private readonly logger: HostClientLogger = console,
  ) {}

  /** Starts listening and tells the host the webview is ready (the host then replays its state). */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.transport.onMessage((data) => {
      this.receive(data);
    });
    this.transport.post({ type: 'notification', method: 'webview/ready', params: {} });
  }

  /** Sends a request; resolves with its validated result, rejects with {@link HostRequestError}. */
  request<M extends WebviewRequestName>(
    method: M,
    params: WebviewRequestParams<M>,
  ): Promise<WebviewRequestResult<M>> {
    const id = this.nextId++;
    return new Promise<WebviewRequestResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.transport.post({ type: 'request', id, method, params });
    });
  }

  /** Calls `handler` with the validated params of each `method` notification; returns the unsubscribe function. */
  onNotification<M extends HostNotificationName>(
    method: M,
    handler: (params: HostNotificationParams<M>) => void,
  ): () => void {
    const set = this.handlers.get(method) ?? new Set();
    this.handlers.set(method, set);
    const entry = handler as (params: unknown) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Stops listening and fails every pending request. */
  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const request of this.pending.values()) request.reject(new Error('The chat view was closed.'));
    this.pending.clear();
  }

  private receive(data: unknown): void {
    const parsed = HostToWebviewMessageSchema.safeParse(data);
    if (!parsed.success) {
      this.logger.warn('[handoff] dropped a malformed message from the host', parsed.error.issues);
      return;
    }
    const message = parsed.data;
    if (message.type === 'notification') {
      this.receiveNotification(message.method, message.params);
    } else {
      this.receiveResponse(message);
    }
  }

  private receiveNotification(method: HostNotificationName, params: unknown): void {
    const schema: Parser = hostNotifications[method];
    const parsed = schema.safeParse(params);
    if (!parsed.success) {
      this.logger.warn(`[handoff] dropped ${method} with invalid params`, parsed.error.issues);
      return;
    }
    for (const handler of [...(this.handlers.get(method) ?? [])]) handler(parsed.data);
  }

  private receiveResponse(message: Extract<HostToWebviewMessage, { type: 'response' }>): void {
    const request = this.pending.get(message.id);
    if (!request) {
      this.logger.warn(`[handoff] dropped a response to unknown request ${String(message.id)}`);
      return;
    }
    this.pending.delete(message.id);
    if (message.status === 'error') {
      request.reject(new HostRequestError(message.error));
      return;
    }
    const schema: Parser = webviewRequests[request.method].result;
    const parsed = schema.safeParse(message.result);
    if (parsed.success) {
      request.resolve(parsed.data);
    } else {
      request.reject(
        new HostRequestError({
          code: 'invalid_request',
          message: `The host's answer to ${request.method} does not match the protocol.`,
        }),
      );
    }
  }
}
