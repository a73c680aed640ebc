import {
  ClientFrameSchema,
  ConversationIdSchema,
  PROTOCOL_VERSION,
  SocketCloseCode,
  checkCompatibility,
  constantTimeEqual,
  errorBody,
  invalidRequestBody,
} from '@handoff/protocol';
import type {
  ClientFrame,
  ErrorBody,
  Event,
  EventsPage,
  EventsPageQuery,
  HelloFrame,
  ServerFrame,
} from '@handoff/protocol';
import type { RawData, WebSocket } from 'ws';
import { TooManySubscribersError } from '../conversation/event-bus';
import { AgentServerError, conversationNotFound } from '../errors';
import type { Logger } from '../logger';

/** What an event socket needs from the conversations (the `ConversationService` fits). */
export interface EventStreamPort {
  has(id: string): boolean;
  lastSeq(id: string): number;
  readEvents(id: string, query: EventsPageQuery): EventsPage;
  subscribe(id: string, listener: (event: Event) => void): () => void;
  sendMessage(id: string, text: string): Promise<unknown>;
  interrupt(id: string): Promise<unknown>;
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
}

const REPLAY_PAGE_SIZE = 500;
// A client this far behind is cut off; it resumes with `afterSeq` when it reconnects.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * One client on `/sockets/events/{id}`: the `hello` handshake (key, protocol version,
 * conversation), the replay of events after `afterSeq`, then the live tail, with no gap and no
 * duplicate across the seam; afterwards `send_message` and `interrupt` frames.
 */
export class EventSocketSession {
  readonly #o: EventSocketSessionOptions;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #accepted = false;
  #unsubscribe: (() => void) | undefined;
  #lastSentSeq = 0;
  #alive = true;

  constructor(options: EventSocketSessionOptions) {
    this.#o = options;
  }

  /** Starts listening; a wrong header key is refused at once, otherwise `hello` is awaited. */
  start(): void {
    const { ws } = this.#o;
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
    const { headerKey, sessionApiKey } = this.#o;
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

  /** Closes the socket (server shutdown). */
  close(code: number, reason: string): void {
    this.#dispose();
    this.#o.ws.close(code, reason);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary);
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
    if ('code' in frame) this.#send({ type: 'error', error: frame });
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
      this.#fail(
        SocketCloseCode.CONVERSATION_NOT_FOUND,
        conversationNotFound(
          ConversationIdSchema.safeParse(conversationId).success ? conversationId : undefined,
        ).toBody(),
      );
      return;
    }
    this.#replayThenTail(hello.afterSeq ?? 0);
  }

  /**
   * Subscribes before reading the log and holds live events back while the replay runs, then
   * sends the held ones the replay did not already cover: nothing is missed, nothing repeats.
   */
  #replayThenTail(afterSeq: number): void {
    const { conversationId: id, port } = this.#o;
    const held: Event[] = [];
    let replaying = true;
    try {
      this.#unsubscribe = port.subscribe(id, (event) => {
        if (replaying) held.push(event);
        else this.#sendEvent(event);
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
    this.#lastSentSeq = afterSeq;
    this.#send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      conversationId: id,
      lastSeq: port.lastSeq(id),
    });
    for (let cursor: number | undefined = afterSeq; cursor !== undefined;) {
      const page = port.readEvents(id, { afterSeq: cursor, limit: REPLAY_PAGE_SIZE });
      for (const event of page.items) this.#sendEvent(event);
      cursor = page.nextAfterSeq;
    }
    replaying = false;
    for (const event of held) this.#sendEvent(event);
  }

  #onFrame(frame: ClientFrame): void {
    const { conversationId: id, port } = this.#o;
    let done: Promise<unknown>;
    switch (frame.type) {
      case 'hello':
        this.#send({
          type: 'error',
          error: errorBody('invalid_request', 'hello was already received on this socket.'),
        });
        return;
      case 'send_message':
        done = port.sendMessage(id, frame.text);
        break;
      case 'interrupt':
        done = port.interrupt(id);
        break;
    }
    done.catch((error: unknown) => {
      if (error instanceof AgentServerError) {
        this.#send({ type: 'error', error: error.toBody() });
        return;
      }
      this.#o.logger.error('Event socket frame failed', { conversationId: id, frame: frame.type, error });
      this.#send({
        type: 'error',
        error: errorBody(
          'internal_error',
          'The frame could not be handled; the agent server log has the details.',
        ),
      });
    });
  }

  #sendEvent(event: Event): void {
    if (event.seq <= this.#lastSentSeq) return;
    this.#lastSentSeq = event.seq;
    this.#send({ type: 'event', event });
  }

  #send(frame: ServerFrame): void {
    const { ws } = this.#o;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.#o.logger.warn('Event socket client too slow; cutting it off', {
        conversationId: this.#o.conversationId,
      });
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(frame));
  }

  #fail(code: number, error: ErrorBody): void {
    this.#send({ type: 'error', error });
    this.close(code, error.message.slice(0, 120));
  }

  #dispose(): void {
    clearTimeout(this.#handshakeTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}

function parseFrame(data: RawData, isBinary: boolean): ClientFrame | ErrorBody {
  if (isBinary) return errorBody('invalid_request', 'Frames must be JSON text, not binary.');
  let raw: unknown;
  try {
    raw = JSON.parse(rawDataToString(data));
  } catch {
    return errorBody('invalid_request', 'The frame is not valid JSON.');
  }
  const parsed = ClientFrameSchema.safeParse(raw);
  return parsed.success ? parsed.data : invalidRequestBody('frame', parsed.error);
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
