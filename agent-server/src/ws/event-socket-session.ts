import {
  ConversationIdSchema,
  PROTOCOL_VERSION,
  SocketCloseCode,
  checkCompatibility,
  constantTimeEqual,
  errorBody,
} from '@handoff/protocol';
import type {
  ClientFrame,
  ConfirmRequest,
  ErrorBody,
  Event,
  EventsPage,
  EventsPageQuery,
  HelloFrame,
  ServerFrame,
  StreamDeltaFrame,
} from '@handoff/protocol';
import type { RawData, WebSocket } from 'ws';
import type { StreamEnd } from '../conversation/event-bus';
import { TooManySubscribersError } from '../conversation/event-bus';
import { AgentServerError, conversationNotFound } from '../errors';
import type { Logger } from '../logger';
import { errorBodyOf, handleCommandFrame, parseClientFrame } from './client-frames';
import type { OutgoingLimits, OutgoingStats } from './outgoing-queue';
import { OutgoingQueue } from './outgoing-queue';

/** One follower as the socket subscribes it. */
export interface StreamSubscriber {
  event: (event: Event) => void;
  delta: (frame: StreamDeltaFrame) => void;
  end: (end: StreamEnd) => void;
}

/** What an event socket needs from the conversations (the `ConversationService` fits). */
export interface EventStreamPort {
  has(id: string): boolean;
  lastSeq(id: string): number;
  readEvents(id: string, query: EventsPageQuery): EventsPage;
  subscribe(id: string, subscriber: StreamSubscriber): () => void;
  sendMessage(id: string, text: string): Promise<unknown>;
  interrupt(id: string): Promise<unknown>;
  confirm(id: string, request: ConfirmRequest): Promise<unknown>;
}

/** How a socket ended, for tests and benchmarks. */
export interface SessionEnd extends OutgoingStats {
  conversationId: string;
  /** The close code the server chose, when it closed the socket itself. */
  closeCode: number | undefined;
}

/** Everything one socket session is built from. */
export interface EventSocketSessionOptions {
  ws: WebSocket;
  conversationId: string;
  /** The `X-Session-API-Key` header of the upgrade request, if it had one. */
  headerKey: string | undefined;
  sessionApiKey: string;
  port: EventStreamPort;
  logger: Logger;
  handshakeTimeoutMs: number;
  limits: OutgoingLimits;
  /** A client this many events behind the log is closed with `SLOW_CONSUMER`. */
  maxLagEvents: number;
  /** Told once when the socket is gone. */
  onEnd?: ((end: SessionEnd) => void) | undefined;
  /** Told of every frame from an authenticated client (sandbox activity). */
  onActivity?: (() => void) | undefined;
}

const REPLAY_PAGE_SIZE = 500;
/** The close reason of a slow consumer (≤ 123 bytes). */
export const SLOW_CONSUMER_REASON =
  'Client too slow: reconnect with afterSeq = the last seq you received to resume.';

/**
 * One client on `/sockets/events/{id}`: the `hello` handshake (key, protocol version,
 * conversation), the replay of events after `afterSeq`, then the live tail, with no gap and no
 * duplicate across the seam; then `send_message`, `interrupt` and `confirm` frames. The replay
 * is pulled from the log page by page as the socket drains; live frames wait in a bounded queue,
 * and when it is full the session reads from the log again, so a burst costs no memory. A client
 * that falls `maxLagEvents` behind is closed with `SLOW_CONSUMER` and resumes with `afterSeq`.
 */
export class EventSocketSession {
  readonly #o: EventSocketSessionOptions;
  readonly #out: OutgoingQueue;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #accepted = false;
  #live = false;
  #unsubscribe: (() => void) | undefined;
  #lastQueuedSeq = 0;
  #alive = true;
  #closeCode: number | undefined;
  #ended = false;

  constructor(options: EventSocketSessionOptions) {
    this.#o = options;
    this.#out = new OutgoingQueue(options.ws, options.limits);
  }

  /** Starts listening; a wrong header key is refused at once, otherwise `hello` is awaited. */
  start(): void {
    const { ws, headerKey, sessionApiKey } = this.#o;
    ws.on('message', (data, isBinary) => {
      this.#onMessage(data, isBinary);
    });
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.on('close', () => {
      this.#dispose();
    });
    ws.on('error', (error) => {
      this.#o.logger.warn('Event socket error', { conversationId: this.#o.conversationId, error });
    });
    if (headerKey !== undefined && !constantTimeEqual(headerKey, sessionApiKey)) {
      this.#fail(SocketCloseCode.AUTH_FAILED, errorBody('unauthorized', 'Wrong X-Session-API-Key header.'));
      return;
    }
    this.#handshakeTimer = setTimeout(() => {
      this.#fail(
        SocketCloseCode.HANDSHAKE_TIMEOUT,
        errorBody('invalid_request', 'No hello frame within the handshake timeout.'),
      );
    }, this.#o.handshakeTimeoutMs);
  }

  /** Heartbeat tick: terminates a client that missed the last ping, pings the others. */
  heartbeat(): void {
    if (!this.#alive) {
      this.#o.ws.terminate();
      return;
    }
    this.#alive = false;
    this.#o.ws.ping();
  }

  /** Sends what is queued, then closes the socket with `code`. */
  close(code: number, reason: string): void {
    this.#closeCode ??= code;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#out.flush();
    this.#o.ws.close(code, reason);
    this.#dispose();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const frame = parseClientFrame(data, isBinary);
    if (!this.#accepted) {
      clearTimeout(this.#handshakeTimer);
      if ('code' in frame) this.#fail(SocketCloseCode.INVALID_FRAME, frame);
      else if (frame.type !== 'hello')
        this.#fail(
          SocketCloseCode.INVALID_FRAME,
          errorBody('invalid_request', 'The first frame must be a hello frame.'),
        );
      else this.#handshake(frame);
      return;
    }
    if ('code' in frame) this.#enqueue({ type: 'error', error: frame });
    else this.#onFrame(frame);
  }

  #handshake(hello: HelloFrame): void {
    const { conversationId, headerKey, sessionApiKey, port } = this.#o;
    const key = headerKey ?? hello.sessionApiKey;
    if (key === undefined || !constantTimeEqual(key, sessionApiKey)) {
      this.#fail(
        SocketCloseCode.AUTH_FAILED,
        errorBody(
          'unauthorized',
          'Missing or wrong session key: send the X-Session-API-Key header or sessionApiKey in hello.',
        ),
      );
      return;
    }
    const compatibility = checkCompatibility(hello.protocolVersion);
    if (!compatibility.compatible) {
      this.#fail(
        SocketCloseCode.INCOMPATIBLE_PROTOCOL,
        errorBody('incompatible_protocol', compatibility.reason),
      );
      return;
    }
    if (!port.has(conversationId)) {
      const id = ConversationIdSchema.safeParse(conversationId).success ? conversationId : undefined;
      this.#fail(SocketCloseCode.CONVERSATION_NOT_FOUND, conversationNotFound(id).toBody());
      return;
    }
    this.#o.onActivity?.();
    this.#replayThenTail(hello.afterSeq ?? 0);
  }

  /**
   * Subscribes, welcomes, then replays by pulling pages from the log whenever the queue runs
   * dry. Live events are ignored until the replay reaches the end of the log (the log has them
   * too); the switch to live happens in the same synchronous block as the last read, so no
   * event falls between the two, and the seq check drops any repeat.
   */
  #replayThenTail(afterSeq: number): void {
    const { conversationId: id, port } = this.#o;
    try {
      this.#unsubscribe = port.subscribe(id, {
        event: (event) => {
          this.#onLiveEvent(event);
        },
        delta: (frame) => {
          // Deltas are ephemeral: one that finds the queue full is dropped, the event follows.
          if (this.#live) this.#out.push(frame);
        },
        end: (end) => {
          this.close(end.code, end.reason);
        },
      });
    } catch (error) {
      if (!(error instanceof TooManySubscribersError)) throw error;
      this.#fail(
        SocketCloseCode.TRY_AGAIN_LATER,
        errorBody('too_many_subscribers', 'Too many sockets follow this conversation; try again later.'),
      );
      return;
    }
    this.#accepted = true;
    this.#lastQueuedSeq = afterSeq;
    this.#readFromLog();
    this.#enqueue({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      conversationId: id,
      lastSeq: port.lastSeq(id),
    });
  }

  /** Sends from the log (not from live events) until the client has caught up. */
  #readFromLog(): void {
    this.#live = false;
    this.#out.setRefill(() => this.#nextReplayPage());
  }

  #nextReplayPage(): ServerFrame[] {
    const { conversationId: id, port } = this.#o;
    const limit = Math.min(REPLAY_PAGE_SIZE, this.#o.limits.maxQueuedFrames);
    const page = port.readEvents(id, { afterSeq: this.#lastQueuedSeq, limit });
    const last = page.items[page.items.length - 1];
    if (last !== undefined) this.#lastQueuedSeq = last.seq;
    if (page.nextAfterSeq === undefined) {
      this.#live = true;
      this.#out.setRefill(undefined);
    }
    return page.items.map((event) => ({ type: 'event', event }));
  }

  #onFrame(frame: ClientFrame): void {
    const { conversationId: id, port, logger } = this.#o;
    this.#o.onActivity?.();
    if (frame.type === 'hello') {
      this.#enqueue({
        type: 'error',
        error: errorBody('invalid_request', 'hello was already received on this socket.'),
      });
      return;
    }
    handleCommandFrame(port, id, frame).catch((error: unknown) => {
      if (!(error instanceof AgentServerError))
        logger.error('Event socket frame failed', { conversationId: id, frame: frame.type, error });
      this.#enqueue({ type: 'error', error: errorBodyOf(error) });
    });
  }

  #onLiveEvent(event: Event): void {
    if (event.seq - this.#lastQueuedSeq > this.#o.maxLagEvents) {
      this.#o.logger.warn('Event socket client too slow; closing it', {
        conversationId: this.#o.conversationId,
        behind: event.seq - this.#lastQueuedSeq,
      });
      // What is queued is dropped: the client resumes from the log with afterSeq.
      this.#out.clear();
      this.close(SocketCloseCode.SLOW_CONSUMER, SLOW_CONSUMER_REASON);
      return;
    }
    if (!this.#live || event.seq <= this.#lastQueuedSeq) return;
    if (this.#out.push({ type: 'event', event })) this.#lastQueuedSeq = event.seq;
    else this.#readFromLog();
  }

  /** Queues a welcome or an error frame (never dropped, they are few). */
  #enqueue(frame: ServerFrame): void {
    if (this.#closeCode === undefined) this.#out.push(frame, true);
  }

  #fail(code: number, error: ErrorBody): void {
    this.#out.push({ type: 'error', error }, true);
    this.close(code, error.message.slice(0, 120));
  }

  #dispose(): void {
    clearTimeout(this.#handshakeTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#out.clear();
    if (this.#ended) return;
    this.#ended = true;
    this.#o.onEnd?.({
      conversationId: this.#o.conversationId,
      closeCode: this.#closeCode,
      ...this.#out.stats,
    });
  }
}
