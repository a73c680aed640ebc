/**
 * @module An in-process agent server that speaks the event-socket protocol on a free port,
 * so `AgentConnection` is tested against a real WebSocket. Tests push events, replay
 * duplicates, send raw frames and close sockets with any code.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import {
  ClientFrameSchema,
  PROTOCOL_VERSION,
  SESSION_API_KEY_HEADER,
  SocketCloseCode,
  eventSocketPath,
} from '@handoff/protocol';
import type { ClientFrame, Event, HelloFrame, ServerFrame, StreamDeltaFrame } from '@handoff/protocol';

/** One accepted socket, as the test sees it. */
export interface FakeSocketConnection {
  /** The request URL (path and query) of the upgrade. */
  readonly url: string;
  /** The upgrade request's headers. */
  readonly headers: IncomingHttpHeaders;
  /** The hello frame, once it arrived. */
  hello: HelloFrame | undefined;
  /** Every valid frame after hello. */
  readonly frames: ClientFrame[];
  readonly socket: WebSocket;
}

/** Options of {@link FakeAgentServer.start}. */
export interface FakeAgentServerOptions {
  conversationId?: string;
  sessionApiKey?: string;
  /** The protocol version the welcome announces. */
  protocolVersion?: number;
  /** Replay the whole log on every hello, ignoring `afterSeq` (to test client de-duplication). */
  replayEverything?: boolean;
  /** Refuse every upgrade with this HTTP status (e.g. 401), before any frame. */
  refuseUpgradeWith?: number;
}

/** A fake agent server for one conversation. */
export class FakeAgentServer {
  readonly connections: FakeSocketConnection[] = [];
  readonly log: Event[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly options: Required<FakeAgentServerOptions>,
  ) {}

  /** Starts listening on 127.0.0.1 and a free port. */
  static async start(options: FakeAgentServerOptions = {}): Promise<FakeAgentServer> {
    const resolved: Required<FakeAgentServerOptions> = {
      conversationId: 'conv-1',
      sessionApiKey: 'session-key',
      protocolVersion: PROTOCOL_VERSION,
      replayEverything: false,
      refuseUpgradeWith: 0,
      ...options,
    };
    const http = createServer((_request, response) => {
      response.writeHead(404).end();
    });
    const refuse = resolved.refuseUpgradeWith;
    const wss = new WebSocketServer({
      server: http,
      verifyClient: (_info, callback) => {
        if (refuse) callback(false, refuse);
        else callback(true);
      },
    });
    const server = new FakeAgentServer(http, wss, resolved);
    wss.on('connection', (socket, request) => {
      server.accept(socket, request.url ?? '', request.headers);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** `http://127.0.0.1:<port>`, what runtime-api would report as `agentServerUrl`. */
  get url(): string {
    const { port } = this.http.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}`;
  }

  /** The newest connection (throws when there is none). */
  get latest(): FakeSocketConnection {
    const connection = this.connections.at(-1);
    if (!connection) throw new Error('no connection yet');
    return connection;
  }

  /** Appends an event to the log and sends it to every open socket that said hello. */
  pushEvent(event: Event): void {
    this.log.push(event);
    for (const connection of this.connections) {
      if (connection.hello && connection.socket.readyState === connection.socket.OPEN)
        this.sendFrame(connection.socket, { type: 'event', event });
    }
  }

  /** Sends a stream delta (ephemeral: not logged, never replayed) to every open socket that said hello. */
  pushDelta(delta: Omit<StreamDeltaFrame, 'type'>): void {
    for (const connection of this.connections) {
      if (connection.hello && connection.socket.readyState === connection.socket.OPEN)
        this.sendFrame(connection.socket, { type: 'stream_delta', ...delta });
    }
  }

  /** Sends a frame as is (may be invalid) to the newest socket. */
  sendRaw(data: string): void {
    this.latest.socket.send(data);
  }

  /** Closes the newest socket with `code` (a clean close handshake). */
  close(code: number, reason = ''): void {
    this.latest.socket.close(code, reason);
  }

  /** Drops the newest socket without a close frame, like a crashed server or a cut network. */
  drop(): void {
    this.latest.socket.terminate();
  }

  /** Resolves once `count` sockets have said hello. */
  async waitForHellos(count: number): Promise<void> {
    while (this.connections.filter((c) => c.hello).length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the newest socket has received `count` frames after hello. */
  async waitForFrames(count: number): Promise<ClientFrame[]> {
    while (this.latest.frames.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.latest.frames;
  }

  /** Closes every socket and the server. */
  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
    await new Promise<void>((resolve) =>
      this.http.close(() => {
        resolve();
      }),
    );
  }

  private accept(socket: WebSocket, url: string, headers: IncomingHttpHeaders): void {
    const connection: FakeSocketConnection = { url, headers, hello: undefined, frames: [], socket };
    this.connections.push(connection);
    socket.on('message', (data) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      const text = bytes.toString('utf8');
      this.onFrame(connection, JSON.parse(text) as unknown);
    });
  }

  private onFrame(connection: FakeSocketConnection, json: unknown): void {
    const parsed = ClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      connection.socket.close(SocketCloseCode.INVALID_FRAME, 'invalid frame');
      return;
    }
    if (parsed.data.type === 'hello') {
      this.onHello(connection, parsed.data);
    } else {
      connection.frames.push(parsed.data);
    }
    this.wake();
  }

  private onHello(connection: FakeSocketConnection, hello: HelloFrame): void {
    connection.hello = hello;
    const { socket } = connection;
    if (connection.headers[SESSION_API_KEY_HEADER.toLowerCase()] !== this.options.sessionApiKey) {
      this.sendFrame(socket, {
        type: 'error',
        error: { code: 'unauthorized', message: 'Wrong session key.' },
      });
      socket.close(SocketCloseCode.AUTH_FAILED, 'unauthorized');
      return;
    }
    if (connection.url !== eventSocketPath(this.options.conversationId)) {
      socket.close(SocketCloseCode.CONVERSATION_NOT_FOUND, 'no such conversation');
      return;
    }
    const lastSeq = this.log.at(-1)?.seq ?? 0;
    this.sendFrame(socket, {
      type: 'welcome',
      protocolVersion: this.options.protocolVersion,
      conversationId: this.options.conversationId,
      lastSeq,
    });
    const afterSeq = this.options.replayEverything ? 0 : (hello.afterSeq ?? 0);
    for (const event of this.log) if (event.seq > afterSeq) this.sendFrame(socket, { type: 'event', event });
  }

  private sendFrame(socket: WebSocket, frame: ServerFrame): void {
    socket.send(JSON.stringify(frame));
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
