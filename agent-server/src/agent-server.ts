import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { AgentServerConfig } from './config';
import type { LlmClientFactory } from './conversation/conversation-service';
import { ConversationService } from './conversation/conversation-service';
import { createApp } from './http/app';
import { createOpenAiLlmClient } from './llm/openai-llm-client';
import type { Logger } from './logger';
import type { SandboxClient } from './sandbox/sandbox-client';
import { HttpSandboxClient } from './sandbox/sandbox-client';
import { EventSocketServer } from './ws/event-socket';

/** What {@link startAgentServer} needs; the clients default to the real ones. */
export interface StartAgentServerOptions {
  config: AgentServerConfig;
  logger: Logger;
  /** Builds each conversation's LLM client (default: the OpenAI SDK client). */
  llmClientFactory?: LlmClientFactory;
  /** Runs actions (default: HTTP to the configured action server). */
  sandbox?: SandboxClient;
  /** Event socket handshake timeout (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Event socket ping interval (default 30 s). */
  heartbeatIntervalMs?: number;
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
    ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: options.handshakeTimeoutMs }),
    ...(options.heartbeatIntervalMs === undefined
      ? {}
      : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
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

async function openService(options: StartAgentServerOptions): Promise<ConversationService> {
  const { config, logger } = options;
  await mkdir(config.stateDir, { recursive: true });
  return ConversationService.open({
    stateDir: config.stateDir,
    workspace: config.workspace,
    sandbox:
      options.sandbox ??
      new HttpSandboxClient({ baseUrl: config.actionServerUrl, sessionApiKey: config.sessionApiKey }),
    llmClientFactory:
      options.llmClientFactory ??
      ((route) => createOpenAiLlmClient(route, { logger: logger.child({ component: 'openai' }) })),
    logger,
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
