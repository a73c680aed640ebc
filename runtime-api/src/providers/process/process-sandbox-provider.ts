import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SandboxEnv } from '@handoff/protocol';
import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import { RuntimeApiError, poolExhausted, sandboxNotFound } from '../../errors';
import { errorFields } from '../../log';
import type { Logger } from '../../log';
import { assertNoReservedEnvironment, notPausable } from '../sandbox-provider';
import type { SandboxProvider } from '../sandbox-provider';
import { POOL_LABEL } from '../../pool/pooled-sandbox-provider';
import { AgentServerClient } from '../agent-server-client';
import { checkEntries, makeFolders } from './sandbox-folder';
import { ServiceProcess } from './service-process';
import type { ExitStatus, ServiceName } from './service-process';

/** What the process provider needs; `create-provider.ts` fills it from the config. */
export interface ProcessSandboxProviderOptions {
  /** Each sandbox gets `<sandboxRoot>/<id>/` with `workspace/` and `state/`. */
  sandboxRoot: string;
  /** Script run as the action server (`sandbox/dist/main.js`). */
  actionServerEntry: string;
  /** Script run as the agent server (`agent-server/dist/main.js`). */
  agentServerEntry: string;
  /** At most this many sandboxes start or run at once; more is `pool_exhausted`. */
  maxSandboxes: number;
  /** A start fails when both services are not ready within this time. */
  startTimeoutMs: number;
  /** The only variables of runtime-api's environment that sandboxes see (PATH, LANG). */
  inheritedEnv?: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when stopping; 5 s by default. */
  stopGraceMs?: number;
  logger: Logger;
}

interface ProcessSandbox {
  info: SandboxInfo;
  folder: string;
  services: ServiceProcess[];
  /** Aborted by `stop` / `close` while the sandbox is still starting. */
  startAbort: AbortController;
  launching: Promise<void>;
  stopping: Promise<void> | undefined;
}

const DEFAULT_STOP_GRACE_MS = 5000;

/**
 * Runs each sandbox as two local child processes (action server, then agent server) in its own
 * folder. It does NOT isolate: a sandbox can read and write whatever the runtime-api user can.
 */
export class ProcessSandboxProvider implements SandboxProvider {
  readonly type = 'process';
  readonly persistent = false;
  private readonly agents = new AgentServerClient();
  private readonly sandboxes = new Map<SandboxId, ProcessSandbox>();
  private readonly stopGraceMs: number;
  private closed = false;

  constructor(private readonly options: ProcessSandboxProviderOptions) {
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    process.on('exit', this.killAllNow);
  }

  /** Nothing outlives a process provider, so there is nothing to adopt. */
  init(): Promise<void> {
    return Promise.resolve();
  }

  async start(request: StartSandboxRequest): Promise<SandboxInfo> {
    if (this.closed)
      throw new RuntimeApiError('sandbox_unavailable', 'runtime-api is shutting down; no sandbox can start.');
    assertNoReservedEnvironment(request.environment);
    assertNoIsolationAsked(request);
    const live = [...this.sandboxes.values()].filter((sandbox) => sandbox.info.status !== 'error').length;
    if (live >= this.options.maxSandboxes) throw poolExhausted(this.options.maxSandboxes);
    if (request.image !== undefined)
      this.options.logger.info('process provider ignores image', { image: request.image });
    // Registered before the first await, so concurrent starts count against the limit.
    const sandbox = this.register(request);
    sandbox.launching = this.launch(sandbox, request.environment ?? {});
    try {
      await sandbox.launching;
    } catch (error) {
      await this.teardown(sandbox);
      if (sandbox.startAbort.signal.aborted && error === sandbox.startAbort.signal.reason)
        throw stoppedWhileStarting(sandbox);
      throw error;
    }
    if (sandbox.info.status !== 'running') {
      // Stopped, or a service died, between the ready line and here.
      await this.teardown(sandbox);
      throw stoppedWhileStarting(sandbox);
    }
    this.options.logger.info('sandbox started', {
      sandboxId: sandbox.info.id,
      agentServerUrl: sandbox.info.agentServerUrl,
    });
    return snapshot(sandbox);
  }

  /** Gives a running warm member the caller's labels and environment (through its agent server). */
  async claim(id: SandboxId, request: StartSandboxRequest): Promise<SandboxInfo> {
    assertNoReservedEnvironment(request.environment);
    assertNoIsolationAsked(request);
    const sandbox = this.sandboxes.get(id);
    if (sandbox?.info.status !== 'running' || !(POOL_LABEL in sandbox.info.labels))
      throw new RuntimeApiError('sandbox_unavailable', `Warm sandbox ${id} cannot be claimed.`);
    if (request.environment !== undefined)
      await this.agents.setEnvironment(sandbox.info, request.environment);
    sandbox.info.labels = { ...request.labels };
    sandbox.info.createdAt = new Date().toISOString();
    return snapshot(sandbox);
  }

  async stop(id: SandboxId): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw sandboxNotFound(id);
    await this.teardown(sandbox);
  }

  /** SIGSTOP to both services' process groups; the folder and the agent server's state stay as they are. */
  pause(id: SandboxId): Promise<SandboxInfo> {
    return Promise.resolve().then(() => this.freeze(id, 'pause'));
  }

  /** SIGCONT to both services' process groups. */
  resume(id: SandboxId): Promise<SandboxInfo> {
    return Promise.resolve().then(() => this.freeze(id, 'resume'));
  }

  get(id: SandboxId): Promise<SandboxInfo | undefined> {
    const sandbox = this.sandboxes.get(id);
    return Promise.resolve(sandbox ? snapshot(sandbox) : undefined);
  }

  list(): Promise<SandboxInfo[]> {
    return Promise.resolve([...this.sandboxes.values()].map(snapshot));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sandboxes.values()].map((sandbox) => this.teardown(sandbox)));
    process.off('exit', this.killAllNow);
  }

  private freeze(id: SandboxId, verb: 'pause' | 'resume'): SandboxInfo {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw sandboxNotFound(id);
    const { status } = sandbox.info;
    if (status !== 'running' && status !== 'paused') throw notPausable(snapshot(sandbox), verb);
    const target = verb === 'pause' ? 'paused' : 'running';
    if (status !== target) {
      for (const service of sandbox.services) service[verb]();
      sandbox.info.status = target;
      this.options.logger.info(`sandbox ${target}`, { sandboxId: id });
    }
    return snapshot(sandbox);
  }

  private register(request: StartSandboxRequest): ProcessSandbox {
    const id = `sbx-${randomBytes(12).toString('hex')}`;
    const sandbox: ProcessSandbox = {
      info: {
        id,
        status: 'starting',
        agentServerUrl: 'http://127.0.0.1/', // replaced once the agent server is ready
        sessionApiKey: randomBytes(32).toString('base64url'),
        provider: this.type,
        labels: { ...request.labels },
        createdAt: new Date().toISOString(),
      },
      folder: path.join(this.options.sandboxRoot, id),
      services: [],
      startAbort: new AbortController(),
      launching: Promise.resolve(),
      stopping: undefined,
    };
    this.sandboxes.set(id, sandbox);
    return sandbox;
  }

  /** Creates the folder, then starts the action server and the agent server, each once the one before is ready. */
  private async launch(sandbox: ProcessSandbox, environment: Record<string, string>): Promise<void> {
    const { startTimeoutMs } = this.options;
    const signal = AbortSignal.any([sandbox.startAbort.signal, AbortSignal.timeout(startTimeoutMs)]);
    const workspace = path.join(sandbox.folder, 'workspace');
    const stateDir = path.join(sandbox.folder, 'state');
    await checkEntries(this.options.actionServerEntry, this.options.agentServerEntry);
    await makeFolders(workspace, stateDir);
    signal.throwIfAborted();
    const env = {
      ...this.options.inheritedEnv,
      HOME: sandbox.folder,
      ...environment,
      [SandboxEnv.SESSION_API_KEY]: sandbox.info.sessionApiKey,
      [SandboxEnv.WORKSPACE]: workspace,
      [SandboxEnv.HOST]: '127.0.0.1',
      [SandboxEnv.PORT]: '0',
      [SandboxEnv.EXIT_WITH_LAUNCHER]: '1',
    };
    const actionServer = this.spawn(sandbox, 'action-server', this.options.actionServerEntry, env);
    const actionPort = await actionServer.waitForReady(signal, startTimeoutMs);
    const agentServer = this.spawn(sandbox, 'agent-server', this.options.agentServerEntry, {
      ...env,
      [SandboxEnv.ACTION_SERVER_URL]: `http://127.0.0.1:${actionPort}`,
      [SandboxEnv.STATE_DIR]: stateDir,
    });
    const agentPort = await Promise.race([
      agentServer.waitForReady(signal, startTimeoutMs),
      actionServer.exited.then(async (status) => {
        throw await actionServer.exitError(status, 'while the agent-server was starting');
      }),
    ]);
    sandbox.info.agentServerUrl = `http://127.0.0.1:${agentPort}`;
    if (!sandbox.stopping) sandbox.info.status = 'running';
  }

  private spawn(
    sandbox: ProcessSandbox,
    name: ServiceName,
    entry: string,
    env: Record<string, string>,
  ): ServiceProcess {
    const service = ServiceProcess.spawn({
      name,
      sandboxId: sandbox.info.id,
      entry,
      env,
      cwd: sandbox.folder,
      logger: this.options.logger,
    });
    sandbox.services.push(service);
    void service.exited.then((status) => {
      this.onServiceExit(sandbox, service, status);
    });
    return service;
  }

  /** A service of a running sandbox died: the sandbox is broken, so its partner goes too. */
  private onServiceExit(sandbox: ProcessSandbox, service: ServiceProcess, status: ExitStatus): void {
    const { status: was } = sandbox.info;
    if (sandbox.stopping || (was !== 'running' && was !== 'paused')) return;
    sandbox.info.status = 'error';
    this.options.logger.error('sandbox service exited; stopping its partner', {
      sandboxId: sandbox.info.id,
      service: service.name,
      exitCode: status.code,
      signal: status.signal,
    });
    for (const partner of sandbox.services) if (partner !== service) void partner.stop(this.stopGraceMs);
  }

  /** Stops the services and removes the folder; idempotent, and waits for a start in progress to unwind. */
  private teardown(sandbox: ProcessSandbox): Promise<void> {
    sandbox.stopping ??= (async () => {
      const wasRunning = sandbox.info.status === 'running';
      sandbox.info.status = 'stopped';
      sandbox.startAbort.abort(new Error('stopped while starting'));
      await sandbox.launching.catch(() => undefined);
      await Promise.all(sandbox.services.map((service) => service.stop(this.stopGraceMs)));
      try {
        await rm(sandbox.folder, { recursive: true, force: true, maxRetries: 3 });
      } catch (error) {
        this.options.logger.error('could not remove sandbox folder', {
          sandboxId: sandbox.info.id,
          folder: sandbox.folder,
          error: errorFields(error),
        });
      }
      this.sandboxes.delete(sandbox.info.id);
      if (wasRunning) this.options.logger.info('sandbox stopped', { sandboxId: sandbox.info.id });
    })();
    return sandbox.stopping;
  }

  // Last resort when runtime-api exits without `close()`: no child may outlive it.
  private readonly killAllNow = (): void => {
    for (const sandbox of this.sandboxes.values()) {
      for (const service of sandbox.services) service.kill();
      try {
        rmSync(sandbox.folder, { recursive: true, force: true });
      } catch {
        // Best effort: the process is exiting.
      }
    }
  };
}

function snapshot(sandbox: ProcessSandbox): SandboxInfo {
  return { ...sandbox.info, labels: { ...sandbox.info.labels } };
}

/** Resources and network isolation cannot be honoured by child processes: say so instead of ignoring them. */
function assertNoIsolationAsked(request: StartSandboxRequest): void {
  const asked = [
    ...(request.resources === undefined ? [] : ['resources']),
    ...(request.network === 'none' ? ['network "none"'] : []),
  ];
  if (asked.length > 0)
    throw new RuntimeApiError(
      'invalid_request',
      `Invalid start request. ${asked.join(' and ')}: the process provider runs sandboxes as local processes and cannot enforce them. Use HANDOFF_PROVIDER=docker.`,
      { details: { unsupported: asked } },
    );
}

function stoppedWhileStarting(sandbox: ProcessSandbox): RuntimeApiError {
  return new RuntimeApiError(
    'sandbox_start_failed',
    `Sandbox ${sandbox.info.id} was stopped before it finished starting.`,
  );
}
