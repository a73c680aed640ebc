import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Logger } from './log';
import { createApp } from './server';
import { ProcessGroups } from './shell/process-groups';

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
}

/** A listening action server. */
export interface RunningActionServer {
  /** The port it listens on. */
  port: number;
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** Kills every command's process group, then stops listening; resolves once closed. */
  close(): Promise<void>;
}

/** Starts the action server's HTTP listener; resolves once it accepts connections. */
export function startActionServer(options: StartActionServerOptions): Promise<RunningActionServer> {
  const processGroups = new ProcessGroups();
  const app = createApp({ ...options, processGroups });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: options.host, port: options.port },
      (info: AddressInfo) => {
        server.off('error', reject);
        const close = (): Promise<void> => closeServer(server, processGroups);
        resolve({ port: info.port, url: `http://${urlHost(options.host)}:${info.port}`, close });
      },
    );
    server.once('error', reject);
  });
}

/**
 * Kills the commands first, so their requests answer at once, then stops listening. A keep-alive
 * connection turns idle only after its last response, so idle ones are closed until none is left.
 */
function closeServer(server: ServerType, processGroups: ProcessGroups): Promise<void> {
  return new Promise((resolve) => {
    processGroups.killAll();
    const closeIdle = (): void => {
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    };
    const sweep = setInterval(closeIdle, IDLE_SWEEP_MS);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    closeIdle();
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
