import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SESSION_API_KEY_HEADER, SocketCloseCode } from '@handoff/protocol';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger';
import type { EventStreamPort, SessionEnd } from './event-socket-session';
import { EventSocketSession } from './event-socket-session';

export type { EventStreamPort, SessionEnd, StreamSubscriber } from './event-socket-session';

/** Default limits of a socket's outgoing side. */
export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;
/** Default most frames queued for one socket; past it the socket reads from the log again. */
export const DEFAULT_MAX_QUEUED_FRAMES = 1024;
/** Default lag (events behind the log) at which a client is closed with `SLOW_CONSUMER`. */
export const DEFAULT_MAX_LAG_EVENTS = 100_000;

/** How to build an {@link EventSocketServer}. */
export interface EventSocketServerOptions {
  port: EventStreamPort;
  /** The sandbox's session key. */
  sessionApiKey: string;
  logger: Logger;
  /** Time a client has to send `hello` (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Ping interval; a client that misses one pong is terminated (default 30 s). */
  heartbeatIntervalMs?: number;
  /** Largest frame accepted (default 1 MiB). */
  maxFrameBytes?: number;
  /** Frames go to a socket only while it buffers fewer bytes than this (default 1 MiB). */
  highWaterBytes?: number;
  /** Most frames queued for one socket; past it the socket reads from the log again (default 1024). */
  maxQueuedFrames?: number;
  /** A client this many events behind is closed with `SLOW_CONSUMER` (default 100,000). */
  maxLagEvents?: number;
  /** Told when each socket ends, with its send counters (tests, benchmarks). */
  onSessionEnd?: (end: SessionEnd) => void;
  /** Told of every frame from an authenticated client (sandbox activity). */
  onActivity?: () => void;
}

const PATH_PATTERN = /^\/sockets\/events\/([^/]+)$/;

/**
 * The event socket, `WS /sockets/events/{conversationId}`, sharing the HTTP server: attach it to
 * the server's `upgrade` event. Any other upgrade path is refused with 404.
 */
export class EventSocketServer {
  readonly #options: EventSocketServerOptions;
  readonly #wss: WebSocketServer;
  readonly #sessions = new Set<EventSocketSession>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(options: EventSocketServerOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 1024 * 1024 });
    this.#heartbeat = setInterval(() => {
      for (const session of this.#sessions) session.heartbeat();
    }, options.heartbeatIntervalMs ?? 30_000);
    this.#heartbeat.unref();
  }

  /** The `upgrade` listener of the HTTP server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const conversationId = conversationIdOf(request.url);
    if (conversationId === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const header = request.headers[SESSION_API_KEY_HEADER.toLowerCase()];
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const session = new EventSocketSession({
        ws,
        conversationId,
        headerKey: Array.isArray(header) ? header[0] : header,
        sessionApiKey: this.#options.sessionApiKey,
        port: this.#options.port,
        logger: this.#options.logger,
        handshakeTimeoutMs: this.#options.handshakeTimeoutMs ?? 10_000,
        limits: {
          highWaterBytes: this.#options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES,
          maxQueuedFrames: this.#options.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES,
        },
        maxLagEvents: this.#options.maxLagEvents ?? DEFAULT_MAX_LAG_EVENTS,
        onEnd: this.#options.onSessionEnd,
        onActivity: this.#options.onActivity,
      });
      this.#sessions.add(session);
      ws.on('close', () => this.#sessions.delete(session));
      session.start();
    });
  }

  /** How many sockets are open. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Closes every socket with 1001 (going away) and stops accepting new ones. Resolves once the
   * clients have answered the close, or after `graceMs`, when the rest are cut off.
   */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.#heartbeat);
    const sockets = [...this.#wss.clients];
    const allClosed = Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) resolve();
            else
              ws.once('close', () => {
                resolve();
              });
          }),
      ),
    );
    for (const session of this.#sessions)
      session.close(SocketCloseCode.GOING_AWAY, 'The agent server is shutting down.');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([allClosed, grace]);
    clearTimeout(timer);
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

function conversationIdOf(url: string | undefined): string | undefined {
  // The query string is ignored on purpose: a key in the URL never authenticates.
  const pathname = new URL(url ?? '/', 'http://localhost').pathname;
  const match = PATH_PATTERN.exec(pathname);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}
