import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { AgentRunner } from './agent/agent-context';
import type { AgentServerConfig } from './config';
import type { LlmClientFactory } from './conversation/conversation-service';
import { ConversationService } from './conversation/conversation-service';
import { createApp } from './http/app';
import { createLlmClient } from './llm/llm-route';
import type { Logger } from './logger';
import { SecretRedactor } from './logger';
import type { SandboxClient } from './sandbox/sandbox-client';
import { HttpSandboxClient } from './sandbox/sandbox-client';
import type { SessionEnd } from './ws/event-socket';
import { EventSocketServer } from './ws/event-socket';

/** What {@link startAgentServer} needs; the clients default to the real ones. */
export interface StartAgentServerOptions {
  config: AgentServerConfig;
  logger: Logger;
  /** The values the logger masks; keys and secrets are added to it as they arrive. */
  redactor?: SecretRedactor;
  /** Builds each conversation's LLM client (default: the provider's official SDK client). */
  llmClientFactory?: LlmClientFactory;
  /** Runs actions (default: HTTP to the configured action server). */
  sandbox?: SandboxClient;
  /** The agent loop (tests and benchmarks may pass another). */
  runAgent?: AgentRunner;
  /** fdatasync each batch of events before publishing it (default true). */
  fsync?: boolean;
  /** Event socket handshake timeout (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Event socket ping interval (default 30 s). */
  heartbeatIntervalMs?: number;
  /** Most frames queued for one socket before it reads from the log again (default 1024). */
  maxQueuedFrames?: number;
  /** Events a socket may fall behind before it is closed with `SLOW_CONSUMER` (default 100,000). */
  maxLagEvents?: number;
  /** Told when each event socket ends (tests, benchmarks). */
  onSocketEnd?: (end: SessionEnd) => void;
}

/** A started agent server. */
export interface RunningAgentServer {
  /** The port it listens on. */
  port: number;
  /** `http://host:port`. */
  url: string;
  service: ConversationService;
  /** Aborts the agent runs, closes the sockets with 1001, then the HTTP server. Safe to call twice. */
  close(): Promise<void>;
}

/** Wires the service, the HTTP API and the event socket on one HTTP server, and listens. */
export async function startAgentServer(options: StartAgentServerOptions): Promise<RunningAgentServer> {
  const { config, logger } = options;
  const service = await openService(options);
  const app = createApp({ service, sessionApiKey: config.sessionApiKey, logger });
  const sockets = new EventSocketServer({
    port: service,
    sessionApiKey: config.sessionApiKey,
    logger,
    ...definedOnly({
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      maxQueuedFrames: options.maxQueuedFrames,
      maxLagEvents: options.maxLagEvents,
      onSessionEnd: options.onSocketEnd,
    }),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  server.on('upgrade', (request, socket, head) => {
    sockets.handleUpgrade(request, socket, head);
  });
  const port = await listen(server, config.port, config.host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    service,
    close: () => {
      // The runs stop first, so their last events (`paused`) still reach the sockets.
      closing ??= service
        .close()
        .then(() => sockets.close())
        .then(() => closeServer(server));
      return closing;
    },
  };
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

async function openService(options: StartAgentServerOptions): Promise<ConversationService> {
  const { config, logger } = options;
  await mkdir(config.stateDir, { recursive: true });
  const redactor = options.redactor ?? new SecretRedactor();
  redactor.add(config.sessionApiKey);
  return ConversationService.open({
    stateDir: config.stateDir,
    workspace: config.workspace,
    sessionApiKey: config.sessionApiKey,
    redactor,
    sandbox:
      options.sandbox ??
      new HttpSandboxClient({ baseUrl: config.actionServerUrl, sessionApiKey: config.sessionApiKey }),
    llmClientFactory:
      options.llmClientFactory ??
      ((llm) => createLlmClient(llm, { logger: logger.child({ component: 'llm' }) })),
    logger,
    ...definedOnly({ runAgent: options.runAgent, fsync: options.fsync }),
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
    server.closeAllConnections();
  });
}
