/**
 * @module A fake extension host for webview tests, typed by the channel maps (after Continue's
 * `MockIdeMessenger`): scripted request handlers, recorded messages, and typed notifications.
 */
import type {
  ErrorBody,
  HostNotificationName,
  HostNotificationParams,
  HostToWebviewMessage,
  WebviewRequestName,
  WebviewRequestParams,
  WebviewRequestResult,
  WebviewToHostMessage,
} from '@handoff/protocol';
import type { HostTransport } from '../host/host-client';

/** Throw this from a handler to answer with an error response. */
export class FakeHostError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

/** Optional handlers, one per request of the channel map. */
export type FakeHostHandlers = {
  [M in WebviewRequestName]?: (
    params: WebviewRequestParams<M>,
  ) => WebviewRequestResult<M> | Promise<WebviewRequestResult<M>>;
};

/** A host that answers requests from `handlers` and delivers messages asynchronously, like postMessage. */
export class FakeHost implements HostTransport {
  /** Every message the webview posted, in order. */
  readonly received: WebviewToHostMessage[] = [];
  private readonly listeners = new Set<(data: unknown) => void>();

  constructor(readonly handlers: FakeHostHandlers = {}) {}

  /** True once the webview sent `webview/ready` (its only notification). */
  get ready(): boolean {
    return this.received.some((m) => m.type === 'notification');
  }

  /** The requests the webview sent, as `[method, params]`. */
  get requests(): [WebviewRequestName, unknown][] {
    return this.received.flatMap((m) =>
      m.type === 'request' ? [[m.method, m.params] as [WebviewRequestName, unknown]] : [],
    );
  }

  post(message: WebviewToHostMessage): void {
    this.received.push(message);
    if (message.type === 'request') void this.answer(message.id, message.method, message.params);
  }

  onMessage(handler: (data: unknown) => void): () => void {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }

  /** Sends a typed notification to the webview. */
  notify<M extends HostNotificationName>(method: M, params: HostNotificationParams<M>): void {
    const message: HostToWebviewMessage = { type: 'notification', method, params };
    this.deliver(message);
  }

  /** Sends anything (a HostToWebviewMessage, or garbage) to the webview, asynchronously. */
  deliver(data: unknown): void {
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(data);
    });
  }

  private async answer(id: number, method: WebviewRequestName, params: unknown): Promise<void> {
    const handler = this.handlers[method] as ((params: unknown) => unknown) | undefined;
    if (!handler) {
      this.deliver({
        type: 'response',
        id,
        status: 'error',
        error: { code: 'route_not_found', message: `FakeHost has no handler for ${method}.` },
      });
      return;
    }
    try {
      const result = await handler(params);
      this.deliver({ type: 'response', id, status: 'success', result });
    } catch (error) {
      const body: ErrorBody =
        error instanceof FakeHostError ? error.body : { code: 'internal_error', message: String(error) };
      this.deliver({ type: 'response', id, status: 'error', error: body });
    }
  }
}

/** Waits until queued deliveries (microtasks and 0 ms timers) have run. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}
