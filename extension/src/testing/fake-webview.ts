import type { HostToWebviewMessage } from '@handoff/protocol';
import type { DisposableLike } from '../common/lifecycle';
import type { WebviewLike } from '../chat-view/webview-bridge';

/** A webview for bridge tests: records what the host posts and lets the test send messages. */
export class FakeWebview implements WebviewLike {
  /** Every message the host posted, in order. */
  readonly posted: HostToWebviewMessage[] = [];
  private readonly listeners = new Set<(message: unknown) => void>();

  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message as HostToWebviewMessage);
    return Promise.resolve(true);
  }

  onDidReceiveMessage(listener: (message: unknown) => void): DisposableLike {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Delivers a message as if the webview script posted it. */
  send(message: unknown): void {
    for (const listener of this.listeners) listener(message);
  }

  /** Posted responses to request `id`. */
  responsesTo(id: number): HostToWebviewMessage[] {
    return this.posted.filter((m) => m.type === 'response' && m.id === id);
  }

  /** Posted notifications, as `method` names. */
  notificationMethods(): string[] {
    return this.posted.flatMap((m) => (m.type === 'notification' ? [m.method] : []));
  }
}
