import { mkdir } from 'node:fs/promises';
import type { SandboxActivity } from '@handoff/protocol';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { AgentRunner } from './agent/agent-context';
import { MaskedValues } from './agent/secret-masker';
import type { AgentServerConfig } from './config';
import type { LlmClientFactory } from './conversation/conversation-service';
import { ConversationService } from './conversation/conversation-service';
import { SecretBox } from './conversation/secret-box';
import { GitRemoteStore } from './git/git-remote-store';
import { GitService } from './git/git-service';
import { createApp } from './http/app';
import type { WorkspaceRoutesOptions } from './http/workspace-routes';
import { createLlmClient } from './llm/llm-route';
import type { Logger } from './logger';
import { SecretRedactor } from './logger';
import type { SandboxClient } from './sandbox/sandbox-client';
import type { SandboxEnvironmentClient, SandboxGitClient } from './sandbox/sandbox-client';
import { HttpSandboxClient } from './sandbox/sandbox-client';
import { ActivityClock } from './sandbox/activity-clock';
import type { SessionEnd } from './ws/event-socket';
import { EventSocketServer } from './ws/event-socket';

/** What {@link startAgentServer} needs; the clients default to the real ones. */
export interface StartAgentServerOptions {
  config: AgentServerConfig;
  logger: Logger;
  /** The values the logger masks; keys and secrets are added to it as they arrive. */
  redactor?: SecretRedactor;
  /** Values every conversation masks (tokens given to `/api/git`); tests pass one to add to it. */
  maskedValues?: MaskedValues;
  /** Builds each conversation's LLM client (default: the provider's official SDK client). */
  llmClientFactory?: LlmClientFactory;
  /** Runs actions (default: HTTP to the configured action server). */
  sandbox?: SandboxClient;
  /** Sets the commands' environment (default: HTTP to the configured action server). */
  sandboxEnvironment?: SandboxEnvironmentClient;
  /** Keeps the last activity (tests pass one with their own time). */
  activityClock?: ActivityClock;
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
  const clock = options.activityClock ?? new ActivityClock();
  const redactor = options.redactor ?? new SecretRedactor();
  const maskedValues = options.maskedValues ?? new MaskedValues();
  const actionServer = new HttpSandboxClient({
    baseUrl: config.actionServerUrl,
    sessionApiKey: actionKey(config),
  });
  const service = await openService(
    { ...options, redactor, maskedValues, sandbox: options.sandbox ?? actionServer },
    clock,
  );
  const git = await openGit(config, actionServer, (values) => {
    redactor.add(...values);
    maskedValues.add(...values);
  });
  const sockets = openSockets(options, service, clock);
  const app = createApp({
    service,
    sessionApiKey: config.sessionApiKey,
    logger,
    onActivity: clock.touch,
    sandbox: {
      environment: options.sandboxEnvironment ?? actionServer,
      activity: () => activityOf(service, sockets, clock),
      onSecrets: (values) => {
        redactor.add(...values);
      },
    },
    workspace: workspaceOptions(config),
    git: { git },
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  server.on('upgrade', (request, socket, head) => {
    sockets.handleUpgrade(request, socket, head);
  });
  const port = await listen(server, config.port, config.host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${urlHost(config.host)}:${port}`,
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

function openSockets(
  options: StartAgentServerOptions,
  service: ConversationService,
  clock: ActivityClock,
): EventSocketServer {
  return new EventSocketServer({
    port: service,
    sessionApiKey: options.config.sessionApiKey,
    logger: options.logger,
    onActivity: clock.touch,
    ...definedOnly({
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      maxQueuedFrames: options.maxQueuedFrames,
      maxLagEvents: options.maxLagEvents,
      onSessionEnd: options.onSocketEnd,
    }),
  });
}

function activityOf(
  service: ConversationService,
  sockets: EventSocketServer,
  clock: ActivityClock,
): SandboxActivity {
  return {
    connections: sockets.size,
    runningConversations: service.runningCount(),
    lastActivityAt: clock.lastActivityAt,
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The `/api/git` service: through the action server, with the clone's remote remembered in the
 * state folder; every token it is given is masked from then on (`learn`).
 */
function openGit(
  config: AgentServerConfig,
  client: SandboxGitClient,
  learn: (values: string[]) => void,
): Promise<GitService> {
  return GitService.open({
    client,
    store: new GitRemoteStore(config.stateDir, new SecretBox(config.sessionApiKey)),
    workspace: config.workspace,
    onSecrets: learn,
  });
}

/** The `/api/workspace` routes read the workspace and upload through the action server. */
function workspaceOptions(config: AgentServerConfig): WorkspaceRoutesOptions {
  return {
    workspace: config.workspace,
    actionServer: { baseUrl: config.actionServerUrl, apiKey: actionKey(config) },
  };
}

/** The key the action server wants: its own when configured, else the session key. */
function actionKey(config: AgentServerConfig): string {
  return config.actionServerApiKey ?? config.sessionApiKey;
}

async function openService(
  options: StartAgentServerOptions & {
    redactor: SecretRedactor;
    maskedValues: MaskedValues;
    sandbox: SandboxClient;
  },
  clock: ActivityClock,
): Promise<ConversationService> {
  const { config, logger, redactor, maskedValues } = options;
  await mkdir(config.stateDir, { recursive: true });
  redactor.add(config.sessionApiKey, actionKey(config));
  return ConversationService.open({
    stateDir: config.stateDir,
    workspace: config.workspace,
    sessionApiKey: config.sessionApiKey,
    redactor,
    maskedValues,
    onActivity: clock.touch,
    sandbox: options.sandbox,
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
