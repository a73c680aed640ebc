import type { Event, ServerFrame } from '@handoff/protocol';
import {
  PROTOCOL_VERSION,
  SESSION_API_KEY_HEADER,
  ServerFrameSchema,
  eventSocketPath,
} from '@handoff/protocol';
import WebSocket from 'ws';

/** How a socket closed. */
export interface SocketClose {
  code: number;
  reason: string;
}

/**
 * A real `ws` client of `/sockets/events/{id}` for tests and benchmarks: sends `hello` on open,
 * records every server frame (parsed with the protocol schema), and lets a test wait for a
 * condition over them.
 */
export class EventSocketClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<SocketClose>;
  /** Called with each frame as it arrives (benchmarks time them). */
  onFrame: ((frame: ServerFrame) => void) | undefined;
  /** `performance.now()` when `hello` was sent. */
  helloSentAt: number | undefined;
  #waiters: (() => void)[] = [];
  #lastSeq = 0;
  #close: SocketClose | undefined;

  constructor(baseUrl: string, conversationId: string, options: { key: string; afterSeq?: number }) {
    const url = `${baseUrl.replace(/^http/, 'ws')}${eventSocketPath(conversationId)}`;
    this.ws = new WebSocket(url, { headers: { [SESSION_API_KEY_HEADER]: options.key } });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        this.send({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          ...(options.afterSeq === undefined ? {} : { afterSeq: options.afterSeq }),
        });
        this.helloSentAt = performance.now();
        resolve();
      });
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.#close = { code, reason: reason.toString('utf8') };
        resolve(this.#close);
        this.#wake();
      });
    });
    this.ws.on('message', (data: Buffer) => {
      const frame = ServerFrameSchema.parse(JSON.parse(data.toString('utf8')));
      this.frames.push(frame);
      if (frame.type === 'event') this.#lastSeq = frame.event.seq;
      this.onFrame?.(frame);
      this.#wake();
    });
  }

  /** The close, once it happened. */
  get close(): SocketClose | undefined {
    return this.#close;
  }

  /** The seq of the last event received (0 before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Sends a frame (a string as is). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The events received, in order. */
  events(): Event[] {
    return this.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
  }

  /** Waits until `predicate` holds (or the socket closed, which is an error unless `predicate` says so). */
  async until(predicate: (client: this) => boolean): Promise<void> {
    while (!predicate(this)) {
      if (this.#close !== undefined)
        throw new Error(
          `Socket closed (${this.#close.code} ${this.#close.reason}) before the condition held.`,
        );
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Closes the socket and waits for the close. */
  async disconnect(): Promise<void> {
    if (this.#close === undefined) this.ws.close();
    await this.closed;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
