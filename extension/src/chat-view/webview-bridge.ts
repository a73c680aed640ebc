/**
 * @module The host side of the typed webview channel (`channels/webview` in the protocol),
 * after vscode-pr's `WebviewBase`: notifications wait for the webview's `webview/ready`, every
 * incoming message is validated, and each request gets exactly one response.
 */
import {
  WebviewToHostMessageSchema,
  invalidRequestBody,
  webviewNotifications,
  webviewRequests,
} from '@handoff/protocol';
import type {
  ErrorBody,
  HostNotificationName,
  HostNotificationParams,
  HostToWebviewMessage,
  ValidationFailure,
  WebviewNotificationName,
  WebviewRequestName,
  WebviewRequestParams,
  WebviewRequestResult,
} from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import { Disposable } from '../common/lifecycle';
import type { DisposableLike } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { toErrorBody } from '../agent/errors';

/** The part of `vscode.Webview` the bridge uses, so tests can pass a fake. */
export interface WebviewLike {
  postMessage(message: unknown): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): DisposableLike;
}

/** One handler per request of the channel map; a thrown error becomes an error response. */
export type WebviewRequestHandlers = {
  [M in WebviewRequestName]: (params: WebviewRequestParams<M>) => Promise<WebviewRequestResult<M>>;
};

/** Options of {@link WebviewBridge}. */
export interface WebviewBridgeOptions {
  webview: WebviewLike;
  handlers: WebviewRequestHandlers;
  logger: Logger;
}

interface ParamsParser {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: ValidationFailure };
}

/** Typed `postMessage` in both directions for one webview. */
export class WebviewBridge extends Disposable {
  private readonly readyEmitter = this._register(new Emitter<undefined>());
  /** The webview (re)loaded and listens; replay what it should show. */
  readonly onDidBecomeReady = this.readyEmitter.event;

  private ready = false;
  private queue: HostToWebviewMessage[] = [];

  constructor(private readonly options: WebviewBridgeOptions) {
    super();
    this._register(options.webview.onDidReceiveMessage((message) => void this.receive(message)));
  }

  /** Sends a notification; held back until the webview said it is ready. */
  notify<M extends HostNotificationName>(method: M, params: HostNotificationParams<M>): void {
    this.post({ type: 'notification', method, params });
  }

  private post(message: HostToWebviewMessage): void {
    if (this.isDisposed) return;
    // A webview that has not loaded its script yet drops messages: queue them until it
    // announces itself with `webview/ready`.
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    this.options.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered) this.options.logger.warn(`The webview did not take a ${message.type}.`);
      },
      (error: unknown) => {
        this.options.logger.warn(`Posting to the webview failed: ${toErrorBody(error).message}`);
      },
    );
  }

  private markReady(): void {
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) this.post(message);
    this.readyEmitter.fire(undefined);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = WebviewToHostMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.logger.warn('Rejected a malformed message from the webview.', parsed.error.issues);
      const id = requestIdOf(raw);
      if (id !== undefined) this.respondError(id, invalidRequestBody('webview message', parsed.error));
      return;
    }
    const message = parsed.data;
    if (message.type === 'notification') {
      this.receiveNotification(message.method, message.params);
      return;
    }
    await this.receiveRequest(message.id, message.method, message.params);
  }

  private receiveNotification(method: WebviewNotificationName, params: unknown): void {
    const parsed = webviewNotifications[method].safeParse(params);
    if (!parsed.success) {
      this.options.logger.warn(`Rejected ${method} with invalid params.`, parsed.error.issues);
      return;
    }
    this.markReady();
  }

  private async receiveRequest(id: number, method: WebviewRequestName, rawParams: unknown): Promise<void> {
    const schema: ParamsParser = webviewRequests[method].params;
    const parsed = schema.safeParse(rawParams);
    if (!parsed.success) {
      this.respondError(id, invalidRequestBody(`params of ${method}`, parsed.error));
      return;
    }
    try {
      const result = await this.dispatch(method, parsed.data);
      this.respond({ type: 'response', id, status: 'success', result });
    } catch (error) {
      this.options.logger.warn(`${method} failed: ${toErrorBody(error).message}`);
      this.respondError(id, toErrorBody(error));
    }
  }

  /** Calls the handler of `method`; `params` has been validated against that method's schema. */
  private dispatch(method: WebviewRequestName, params: unknown): Promise<unknown> {
    const handler = this.options.handlers[method] as (params: unknown) => Promise<unknown>;
    return handler(params);
  }

  private respondError(id: number, error: ErrorBody): void {
    this.respond({ type: 'response', id, status: 'error', error });
  }

  /** Responses bypass the queue: the webview sent the request, so it is listening. */
  private respond(message: HostToWebviewMessage): void {
    if (this.isDisposed) return;
    void this.options.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.options.logger.warn(`Posting a response failed: ${toErrorBody(error).message}`);
    });
  }
}

/** The id of something that looks like a request, so even a malformed one gets its answer. */
function requestIdOf(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  const id = raw.id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : undefined;
}
