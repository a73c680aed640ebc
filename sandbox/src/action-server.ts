import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CommandUser } from './actions/action-context';
import { commandEnv } from './actions/action-context';
import type { Logger } from './log';
import { createApp } from './server';
import { adoptSupplementaryGroups } from './shell/shell-env';
import { ShellSessions } from './shell/shell-sessions';

/** How often shutdown closes connections that have turned idle. */
const IDLE_SWEEP_MS = 50;

/** What `startActionServer` needs. */
export interface StartActionServerOptions {
  sessionApiKey: string;
  workspace: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** The environment commands inherit, before `HANDOFF_*` is removed; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Run commands as this user (the server must be root); the server's own user when absent. */
  commandUser?: CommandUser;
}

/** A listening action server. */
export interface RunningActionServer {
  /** The port it listens on. */
  port: number;
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** Ends every shell session and its processes, then stops listening; resolves once closed. */
  close(): Promise<void>;
}

/** Starts the action server's HTTP listener; resolves once it accepts connections. */
export function startActionServer(options: StartActionServerOptions): Promise<RunningActionServer> {
  const { commandUser } = options;
  if (commandUser !== undefined) adoptSupplementaryGroups(commandUser);
  const shells = new ShellSessions({
    workspace: options.workspace,
    env: commandEnv(options.env ?? process.env),
    ...(commandUser === undefined ? {} : { commandUser }),
  });
  const app = createApp({ ...options, shells });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: options.host, port: options.port },
      (info: AddressInfo) => {
        server.off('error', reject);
        const close = (): Promise<void> => closeServer(server, shells, closeIdle);
        resolve({ port: info.port, url: `http://${urlHost(options.host)}:${info.port}`, close });
      },
    );
    const closeIdle = trackConnections(server);
    server.once('error', reject);
  });
}

/**
 * Ends the shell sessions first, so requests waiting on their commands answer at once, then stops
 * listening. A keep-alive connection turns idle only after its last response, so idle ones are
 * closed until none is left.
 */
async function closeServer(server: ServerType, shells: ShellSessions, closeIdle: () => void): Promise<void> {
  await shells.close();
  await new Promise<void>((resolve) => {
    const sweep = setInterval(closeIdle, IDLE_SWEEP_MS);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    closeIdle();
  });
}

/**
 * Tracks which connections carry a request, and returns a function that closes the others.
 * Node's own `closeIdleConnections` skips a connection that never sent a request, and HTTP
 * clients (undici) open such spares, which would hold shutdown up for their keep-alive time.
 */
function trackConnections(server: ServerType): () => void {
  const open = new Set<Socket>();
  const busy = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      busy.delete(socket);
    });
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    busy.add(request.socket);
    response.once('close', () => {
      busy.delete(request.socket);
    });
  });
  return () => {
    for (const socket of open) if (!busy.has(socket)) socket.destroy();
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
