/**
 * @module The extension's WebSocket to a conversation's event stream. It authenticates with
 * a header, resumes with `afterSeq`, delivers each event exactly once in `seq` order, and
 * reconnects with backoff until a close code says that retrying cannot help.
 */
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  SESSION_API_KEY_HEADER,
  ServerFrameSchema,
  SocketCloseCode,
  checkCompatibility,
  eventSocketPath,
} from '@handoff/protocol';
import type { ClientFrame, ConnectionStatus, Event, ServerFrame, StreamDeltaFrame } from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import type { Subscribe } from '../common/emitter';
import type { DisposableLike } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';
import type { BackoffOptions } from './backoff';

/** A status change of the connection, with a sentence for the user when it failed. */
export interface ConnectionStatusChange {
  status: ConnectionStatus;
  message?: string;
}

/** Text the model is generating now: ephemeral, not in the log; the complete event follows. */
export type StreamDelta = Omit<StreamDeltaFrame, 'type'>;

/** What the session needs from an event stream; {@link AgentConnection} is the real one. */
export interface EventStream extends DisposableLike {
  /** Each event once, in `seq` order. */
  readonly onEvent: Subscribe<Event>;
  /** Each stream delta as it arrives (live only: a resumed socket does not replay them). */
  readonly onStreamDelta: Subscribe<StreamDelta>;
  /** Status changes. */
  readonly onStatus: Subscribe<ConnectionStatusChange>;
  /** Opens the socket (once). */
  connect(): void;
}

/** Options of {@link AgentConnection}. */
export interface AgentConnectionOptions {
  /** Base URL of the agent server (`http://` or `https://`). */
  agentServerUrl: string;
  /** The conversation to stream. */
  conversationId: string;
  /** The sandbox's session key; sent as a header, never in the URL. */
  sessionApiKey: string;
  /** Resume after this `seq` (0 or absent: from the start). */
  afterSeq?: number;
  /** Reconnect delays; 0.5 s to 30 s by default. */
  backoff?: BackoffOptions;
  /** How long the opening handshake may take, in milliseconds. */
  handshakeTimeoutMs?: number;
  logger: Logger;
  /** Replaces `Math.random` for the jitter (tests). */
  random?: () => number;
}

/** Close codes after which reconnecting cannot succeed, with what to tell the user. */
const FATAL_CLOSE_MESSAGES: ReadonlyMap<number, string> = new Map([
  [SocketCloseCode.AUTH_FAILED, 'The agent server rejected the session key.'],
  [SocketCloseCode.CONVERSATION_NOT_FOUND, 'The agent server does not know this conversation.'],
  [
    SocketCloseCode.INCOMPATIBLE_PROTOCOL,
    'The agent server speaks an incompatible protocol version; update the extension or the server.',
  ],
  [SocketCloseCode.CONVERSATION_DELETED, 'The conversation was deleted on the agent server.'],
]);

/** HTTP statuses of a refused upgrade after which reconnecting cannot succeed. */
const FATAL_UPGRADE_MESSAGES: ReadonlyMap<number, string> = new Map([
  [401, 'The agent server rejected the session key.'],
  [403, 'The agent server rejected the session key.'],
  [404, 'The agent server does not know this conversation.'],
]);

/** Turns an `http(s)://` base URL into the event socket's `ws(s)://` URL. */
export function eventSocketUrl(agentServerUrl: string, conversationId: string): string {
  const url = new URL(agentServerUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${eventSocketPath(conversationId)}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The event stream of `conversationId` on the agent server of `sandbox`, with the default backoff. */
export function connectToConversation(
  sandbox: { agentServerUrl: string; sessionApiKey: string },
  conversationId: string,
  logger: Logger,
): AgentConnection {
  return new AgentConnection({
    agentServerUrl: sandbox.agentServerUrl,
    conversationId,
    sessionApiKey: sandbox.sessionApiKey,
    logger,
  });
}

/** The WebSocket client of one conversation's event stream. */
export class AgentConnection implements EventStream {
  private readonly eventEmitter = new Emitter<Event>();
  private readonly statusEmitter = new Emitter<ConnectionStatusChange>();
  private readonly deltaEmitter = new Emitter<StreamDelta>();
  readonly onEvent = this.eventEmitter.event;
  readonly onStatus = this.statusEmitter.event;
  readonly onStreamDelta = this.deltaEmitter.event;

  private socket: WebSocket | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private started = false;
  private disposed = false;
  private fatal = false;
  private serverError: string | undefined;
  private seq: number;

  constructor(private readonly options: AgentConnectionOptions) {
    this.seq = options.afterSeq ?? 0;
  }

  /** The highest `seq` delivered so far; a reconnect resumes after it. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Opens the socket. Later calls do nothing. */
  connect(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.open('connecting');
  }

  /** Sends a user message over the socket; false when it is not open. */
  sendMessage(text: string): boolean {
    return this.send({ type: 'send_message', text });
  }

  /** Asks the agent to stop its current step; false when the socket is not open. */
  interrupt(): boolean {
    return this.send({ type: 'interrupt' });
  }

  /** Closes the socket for good; no status is emitted after this. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'client closed');
    this.eventEmitter.dispose();
    this.statusEmitter.dispose();
    this.deltaEmitter.dispose();
  }

  private open(status: 'connecting' | 'reconnecting'): void {
    this.setStatus({ status });
    this.serverError = undefined;
    const url = eventSocketUrl(this.options.agentServerUrl, this.options.conversationId);
    const socket = new WebSocket(url, {
      headers: { [SESSION_API_KEY_HEADER]: this.options.sessionApiKey },
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, afterSeq: this.seq });
    });
    socket.on('message', (data, isBinary) => {
      this.onMessage(isBinary ? undefined : rawText(data));
    });
    socket.on('unexpected-response', (_request, response) => {
      this.onRefusedUpgrade(socket, response.statusCode ?? 0);
    });
    socket.on('error', (error) => {
      this.options.logger.warn(`Event socket error: ${error.message}`);
    });
    socket.on('close', (code, reason) => {
      this.onClose(socket, code, reason.toString());
    });
  }

  private onMessage(text: string | undefined): void {
    const frame = parseFrame(text);
    if (!frame.success) {
      this.options.logger.warn('Ignored an invalid frame from the agent server.', frame.issues);
      return;
    }
    this.onFrame(frame.data);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome': {
        const compatibility = checkCompatibility(frame.protocolVersion);
        if (!compatibility.compatible) {
          this.fail(compatibility.reason);
          return;
        }
        this.attempt = 0;
        this.setStatus({ status: 'connected' });
        return;
      }
      case 'event':
        // The server may replay events we already have (after a reconnect): drop them here,
        // so listeners see each event exactly once.
        if (frame.event.seq <= this.seq) return;
        this.seq = frame.event.seq;
        this.eventEmitter.fire(frame.event);
        return;
      case 'stream_delta':
        this.deltaEmitter.fire({ responseId: frame.responseId, kind: frame.kind, delta: frame.delta });
        return;
      case 'error':
        this.serverError = frame.error.message;
        this.options.logger.warn(`Agent server reported ${frame.error.code}: ${frame.error.message}`);
        return;
    }
  }

  private onRefusedUpgrade(socket: WebSocket, statusCode: number): void {
    const fatalMessage = FATAL_UPGRADE_MESSAGES.get(statusCode);
    if (fatalMessage !== undefined) {
      this.fatal = true;
      this.setStatus({ status: 'error', message: fatalMessage });
    }
    this.options.logger.warn(`Agent server refused the event socket with HTTP ${String(statusCode)}.`);
    // ws emits 'close' (code 1006) after we abort the refused upgrade.
    socket.terminate();
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (this.disposed || socket !== this.socket) return;
    this.socket = undefined;
    if (this.fatal) return;
    const fatalMessage = FATAL_CLOSE_MESSAGES.get(code);
    if (fatalMessage !== undefined) {
      this.fatal = true;
      const detail = this.serverError ?? reason;
      this.setStatus({ status: 'error', message: detail ? `${fatalMessage} (${detail})` : fatalMessage });
      return;
    }
    this.scheduleReconnect(code);
  }

  private scheduleReconnect(code: number): void {
    const delay = backoffDelay(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    this.attempt += 1;
    this.options.logger.info(`Event socket closed (${String(code)}); reconnecting in ${String(delay)} ms.`);
    this.setStatus({
      status: 'reconnecting',
      message: `Connection lost; retrying in ${String(Math.ceil(delay / 1000))} s.`,
    });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.disposed) this.open('reconnecting');
    }, delay);
  }

  private fail(message: string): void {
    this.fatal = true;
    this.setStatus({ status: 'error', message });
    this.socket?.close(1000, 'incompatible protocol');
  }

  private send(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  private setStatus(change: ConnectionStatusChange): void {
    if (!this.disposed) this.statusEmitter.fire(change);
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

type FrameParse = { success: true; data: ServerFrame } | { success: false; issues: unknown };

function parseFrame(text: string | undefined): FrameParse {
  if (text === undefined) return { success: false, issues: 'binary frame' };
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return { success: false, issues: 'not JSON' };
  }
  const parsed = ServerFrameSchema.safeParse(json);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, issues: parsed.error.issues };
}
