import { randomBytes } from 'node:crypto';
import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import type { DockerProviderConfig } from '../../config';
import { RuntimeApiError, poolExhausted, sandboxNotFound } from '../../errors';
import { errorFields } from '../../log';
import type { Logger } from '../../log';
import { AgentServerClient } from '../agent-server-client';
import { assertNoReservedEnvironment, notPausable } from '../sandbox-provider';
import type { EngineState, SandboxProvider } from '../sandbox-provider';
import {
  LABELS,
  baseLabels,
  resolveResources,
  resourceUpdate,
  userLabels,
  volumeName,
} from './container-spec';
import type { SandboxSpec } from './container-spec';
import { readInventory } from './docker-adopt';
import type { FoundSandbox } from './docker-adopt';
import {
  asEngineError,
  checkImage,
  ensureNetworks,
  launchContainers,
  removeSandboxObjects,
  startFailed,
} from './docker-launch';
import { healSandbox, refreshState, rejoinAgent } from './docker-events';
import { isClaimed, snapshot } from './docker-sandbox';
import type { DockerSandbox } from './docker-sandbox';
import { DockerLifecycle } from './docker-lifecycle';
import { Engine } from './engine';
import { assertFits, pickEngine } from './engine-choice';
import type { EngineCapacity } from './engine-choice';
import type { ContainerEvent } from './engine';

/** What the docker provider needs; `create-provider.ts` fills it from the config. */
export interface DockerSandboxProviderOptions extends Omit<DockerProviderConfig, 'type'> {
  logger: Logger;
  /** Reconnection backoff of the engines (tests shorten it). */
  retryMs?: { first: number; max: number };
}

/**
 * Runs each sandbox as two hardened containers (see container-spec.ts) on the least loaded healthy
 * engine. Docker is the only record: labels say whose and what each object is, claim markers
 * (volumes with labels) say which warm members were handed out, so a restarted runtime-api adopts
 * everything back, and an engine coming back after an outage is resynchronised from it.
 */
export class DockerSandboxProvider implements SandboxProvider {
  readonly type = 'docker';
  readonly persistent = true;
  private readonly engines: Engine[];
  private readonly sandboxes = new Map<SandboxId, DockerSandbox>();
  private readonly agents = new AgentServerClient();
  private readonly lifecycle: DockerLifecycle;
  private readonly resyncs = new Map<Engine, Promise<void>>();
  /** CPUs and memory of each engine's host, read when it comes up: limits beyond them are refused. */
  private readonly capacity = new Map<Engine, EngineCapacity>();
  private closed = false;

  constructor(private readonly options: DockerSandboxProviderOptions) {
    this.engines = options.engines.map(
      (host) =>
        new Engine({
          host,
          eventLabel: `${LABELS.owner}=${options.ownerId}`,
          logger: options.logger,
          retryMs: options.retryMs,
        }),
    );
    this.lifecycle = new DockerLifecycle({
      ...options,
      sandboxes: () => [...this.sandboxes.values()],
      agents: this.agents,
      pause: (sandbox) => this.setPaused(sandbox, true),
      remove: (sandbox, reason) => this.teardown(sandbox, reason),
      heal: (sandbox) => healSandbox(sandbox, options.logger),
    });
  }

  async init(): Promise<void> {
    for (const engine of this.engines) {
      engine.on('up', () => {
        // The engine may still be restarting containers: look at the broken ones again shortly.
        void this.resync(engine).then(() => {
          setTimeout(() => void this.lifecycle.healBroken(), 2000).unref();
        });
      });
      engine.on('down', () => {
        this.markUnavailable(engine);
      });
      engine.on('container', (event) => {
        this.onContainerEvent(engine, event);
      });
    }
    // `connect` says `up` on success, which starts the engine's resync; wait for those to finish.
    await Promise.all(this.engines.map((engine) => engine.connect()));
    await Promise.all(this.resyncs.values());
    this.lifecycle.start();
  }

  async start(request: StartSandboxRequest): Promise<SandboxInfo> {
    if (this.closed)
      throw new RuntimeApiError('sandbox_unavailable', 'runtime-api is shutting down; no sandbox can start.');
    assertNoReservedEnvironment(request.environment);
    const live = [...this.sandboxes.values()].filter((sandbox) => sandbox.info.status !== 'error');
    if (live.length >= this.options.maxSandboxes) throw poolExhausted(this.options.maxSandboxes);
    const pool = request.labels?.[LABELS.pool];
    if (pool === undefined) await this.lifecycle.makeRoomToRun();
    const engine = pickEngine(this.engines, [...this.sandboxes.values()]);
    const spec = this.spec(request, pool);
    assertFits(engine, this.capacity.get(engine), spec.resources);
    const sandbox = this.register(spec, engine);
    try {
      await checkImage(engine, spec.image);
      const signal = AbortSignal.any([
        sandbox.startAbort?.signal ?? new AbortController().signal,
        AbortSignal.timeout(this.options.startTimeoutMs),
      ]);
      const launched = await launchContainers(engine, spec, sandbox.containers, signal);
      sandbox.info.agentServerUrl = launched.agentServerUrl;
      // A warm member's first PUT costs ~30 ms more than later ones (both servers' first request):
      // pay it now with an empty environment rather than in the claim.
      if (request.environment !== undefined || pool !== undefined)
        await this.agents.setEnvironment(sandbox.info, request.environment ?? {});
    } catch (error) {
      const stoppedMeanwhile = sandbox.startAbort?.signal.aborted === true;
      const failure = stoppedMeanwhile
        ? new RuntimeApiError(
            'sandbox_start_failed',
            `Sandbox ${spec.id} was stopped before it finished starting.`,
          )
        : startFailed(spec.id, engine, error);
      await this.teardown(sandbox, 'start failed').catch(() => undefined);
      throw failure;
    }
    if (sandbox.stopping)
      throw new RuntimeApiError('sandbox_start_failed', `Sandbox ${spec.id} was stopped while starting.`);
    sandbox.startAbort = undefined;
    sandbox.info.status = 'running';
    sandbox.lastActiveAt = Date.now();
    this.options.logger.info('sandbox started', { sandboxId: spec.id, engine: engine.host, pool });
    return snapshot(sandbox);
  }

  async claim(id: SandboxId, request: StartSandboxRequest): Promise<SandboxInfo> {
    assertNoReservedEnvironment(request.environment);
    const sandbox = this.sandboxes.get(id);
    if (
      !sandbox ||
      sandbox.pool === undefined ||
      sandbox.info.status !== 'running' ||
      !sandbox.engine.isHealthy
    )
      throw new RuntimeApiError('sandbox_unavailable', `Warm sandbox ${id} cannot be claimed.`);
    if (request.resources !== undefined)
      assertFits(
        sandbox.engine,
        this.capacity.get(sandbox.engine),
        resolveResources(request.resources, this.options.resources),
      );
    await this.lifecycle.makeRoomToRun();
    const claimedAt = new Date().toISOString();
    const labels = { ...request.labels };
    const docker = sandbox.engine.docker;
    try {
      await docker.createVolume({
        Name: volumeName(id, 'claim'),
        Labels: {
          ...baseLabels(
            { id, ownerId: this.options.ownerId, extraLabels: this.options.extraLabels },
            'claim',
          ),
          [LABELS.claimedAt]: claimedAt,
          ...userLabels(labels),
        },
      });
      if (request.resources !== undefined && sandbox.containers.tools !== undefined)
        await docker
          .getContainer(sandbox.containers.tools)
          .update(resourceUpdate(resolveResources(request.resources, this.options.resources)));
    } catch (error) {
      throw asEngineError(sandbox.engine, error);
    }
    sandbox.pool = undefined;
    sandbox.info = { ...sandbox.info, labels, createdAt: claimedAt };
    sandbox.lastActiveAt = Date.now();
    if (request.environment !== undefined)
      await this.agents.setEnvironment(sandbox.info, request.environment);
    return snapshot(sandbox);
  }

  async stop(id: SandboxId): Promise<void> {
    const sandbox = this.usable(id);
    await this.teardown(sandbox, 'stopped');
  }

  async pause(id: SandboxId): Promise<SandboxInfo> {
    return this.setPaused(this.pausable(id, 'pause'), true);
  }

  async resume(id: SandboxId): Promise<SandboxInfo> {
    const sandbox = this.pausable(id, 'resume');
    if (sandbox.info.status === 'paused') await this.lifecycle.makeRoomToRun();
    return this.setPaused(sandbox, false);
  }

  get(id: SandboxId): Promise<SandboxInfo | undefined> {
    const sandbox = this.sandboxes.get(id);
    return Promise.resolve(sandbox ? snapshot(sandbox) : undefined);
  }

  list(): Promise<SandboxInfo[]> {
    return Promise.resolve(
      [...this.sandboxes.values()]
        .map(snapshot)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
    );
  }

  /** Stops watching; sandboxes stay for the next runtime-api. Starts in progress are undone. */
  async close(): Promise<void> {
    this.closed = true;
    this.lifecycle.stop();
    const starting = [...this.sandboxes.values()].filter((sandbox) => sandbox.startAbort !== undefined);
    await Promise.all(
      starting.map((sandbox) => this.teardown(sandbox, 'runtime-api shut down').catch(() => undefined)),
    );
    for (const engine of this.engines) engine.close();
  }

  /** Engines and how many sandboxes each holds (for metrics). */
  engineStates(): EngineState[] {
    return this.engines.map((engine) => ({
      host: engine.host,
      healthy: engine.isHealthy,
      sandboxes: [...this.sandboxes.values()].filter((sandbox) => sandbox.engine === engine).length,
    }));
  }

  private spec(request: StartSandboxRequest, pool: string | undefined): SandboxSpec {
    const labels = Object.fromEntries(
      Object.entries(request.labels ?? {}).filter(([key]) => key !== LABELS.pool),
    );
    return {
      id: `sbx-${randomBytes(12).toString('hex')}`,
      image: request.image ?? this.options.image,
      ownerId: this.options.ownerId,
      createdAt: new Date().toISOString(),
      network: request.network ?? 'egress',
      resources: resolveResources(request.resources, this.options.resources),
      sessionApiKey: randomBytes(32).toString('base64url'),
      actionApiKey: randomBytes(32).toString('base64url'),
      labels,
      pool,
      extraLabels: this.options.extraLabels,
    };
  }

  private register(spec: SandboxSpec, engine: Engine): DockerSandbox {
    const sandbox: DockerSandbox = {
      info: {
        id: spec.id,
        status: 'starting',
        agentServerUrl: 'http://127.0.0.1/',
        sessionApiKey: spec.sessionApiKey,
        provider: this.type,
        labels: spec.pool === undefined ? spec.labels : { [LABELS.pool]: spec.pool },
        createdAt: spec.createdAt,
      },
      engine,
      network: spec.network,
      containers: {},
      pool: spec.pool,
      lastActiveAt: Date.now(),
      inactiveSince: undefined,
      startAbort: new AbortController(),
      stopping: undefined,
      pausing: false,
    };
    this.sandboxes.set(spec.id, sandbox);
    return sandbox;
  }

  /** A known sandbox whose engine answers (else `engine_unavailable`). */
  private usable(id: SandboxId): DockerSandbox {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw sandboxNotFound(id);
    if (!sandbox.engine.isHealthy) throw sandbox.engine.unavailable();
    return sandbox;
  }

  private pausable(id: SandboxId, verb: 'pause' | 'resume'): DockerSandbox {
    const sandbox = this.usable(id);
    const { status } = sandbox.info;
    if (status !== 'running' && status !== 'paused') throw notPausable(snapshot(sandbox), verb);
    return sandbox;
  }

  /** Pauses or unpauses both containers (cgroup freezer: memory, workspace and sockets stay). */
  private async setPaused(sandbox: DockerSandbox, paused: boolean): Promise<SandboxInfo> {
    const target = paused ? 'paused' : 'running';
    if (sandbox.info.status === target) return snapshot(sandbox);
    const ids = [sandbox.containers.agent, sandbox.containers.tools].filter((id) => id !== undefined);
    sandbox.pausing = true;
    try {
      await Promise.all(
        ids.map((id) => {
          const container = sandbox.engine.docker.getContainer(id);
          return paused ? container.pause() : container.unpause();
        }),
      );
    } catch (error) {
      throw asEngineError(sandbox.engine, error);
    } finally {
      sandbox.pausing = false;
    }
    sandbox.info.status = target;
    sandbox.inactiveSince = paused ? Date.now() : undefined;
    if (!paused) sandbox.lastActiveAt = Date.now();
    this.options.logger.info(`sandbox ${target}`, { sandboxId: sandbox.info.id });
    return snapshot(sandbox);
  }

  /** Removes containers and volumes; idempotent; the record goes once Docker has nothing left. */
  private teardown(sandbox: DockerSandbox, reason: string): Promise<void> {
    sandbox.stopping ??= (async () => {
      sandbox.startAbort?.abort(new Error('stopped while starting'));
      try {
        await removeSandboxObjects(sandbox.engine, sandbox.info.id);
      } catch (error) {
        sandbox.stopping = undefined;
        throw asEngineError(sandbox.engine, error);
      }
      sandbox.info.status = 'stopped';
      this.sandboxes.delete(sandbox.info.id);
      this.options.logger.info('sandbox removed', { sandboxId: sandbox.info.id, reason });
    })();
    return sandbox.stopping;
  }

  /** Rebuilds this engine's sandboxes from Docker: at startup and whenever the engine comes back; one at a time. */
  private resync(engine: Engine): Promise<void> {
    const running = this.resyncs.get(engine);
    if (running) return running;
    const resync = this.readBack(engine).finally(() => this.resyncs.delete(engine));
    this.resyncs.set(engine, resync);
    return resync;
  }

  private async readBack(engine: Engine): Promise<void> {
    try {
      await ensureNetworks(engine, { ...this.options.extraLabels, [LABELS.owner]: this.options.ownerId });
      const info = (await engine.docker.info()) as { NCPU?: number; MemTotal?: number };
      if (info.NCPU !== undefined && info.MemTotal !== undefined)
        this.capacity.set(engine, { cpus: info.NCPU, memoryMb: Math.floor(info.MemTotal / 1024 / 1024) });
      const inventory = await readInventory(engine, this.options.ownerId, this.type);
      const seen = new Set<string>();
      for (const found of inventory.sandboxes) {
        seen.add(found.info.id);
        this.adopt(engine, found);
      }
      for (const sandbox of this.sandboxes.values())
        if (sandbox.engine === engine && !seen.has(sandbox.info.id) && sandbox.startAbort === undefined)
          this.sandboxes.delete(sandbox.info.id);
      for (const id of inventory.orphanVolumeIds)
        if (!this.sandboxes.has(id)) await removeSandboxObjects(engine, id);
      this.options.logger.info('docker engine synchronised', {
        engine: engine.host,
        sandboxes: inventory.sandboxes.length,
        orphansRemoved: inventory.orphanVolumeIds.length,
      });
    } catch (error) {
      engine.reportFailure(error);
      this.options.logger.error('could not read the sandboxes of a docker engine', {
        engine: engine.host,
        error: errorFields(error),
      });
    }
  }

  private adopt(engine: Engine, found: FoundSandbox): void {
    const known = this.sandboxes.get(found.info.id);
    if (known?.startAbort !== undefined || known?.stopping !== undefined) return;
    const now = Date.now();
    this.sandboxes.set(found.info.id, {
      info: found.info,
      engine,
      network: found.network,
      containers: found.containers,
      pool: found.pool,
      lastActiveAt: known?.lastActiveAt ?? now,
      inactiveSince: found.info.status === 'running' ? undefined : (known?.inactiveSince ?? now),
      startAbort: undefined,
      stopping: undefined,
      pausing: false,
    });
  }

  private markUnavailable(engine: Engine): void {
    for (const sandbox of this.sandboxes.values())
      if (sandbox.engine === engine && sandbox.startAbort === undefined) sandbox.info.status = 'unavailable';
  }

  /** Keeps statuses true to Docker between resyncs: a container died, or someone paused it by hand. */
  private onContainerEvent(engine: Engine, event: ContainerEvent): void {
    const id = event.labels[LABELS.sandbox];
    const sandbox = id === undefined ? undefined : this.sandboxes.get(id);
    if (!sandbox || sandbox.engine !== engine || sandbox.startAbort !== undefined || sandbox.stopping) return;
    if (event.action === 'oom')
      this.options.logger.warn('sandbox hit its memory limit', {
        sandboxId: id,
        role: event.labels[LABELS.role],
      });
    if (event.action === 'die' || event.action === 'destroy') {
      if (sandbox.info.status === 'error') return;
      sandbox.info.status = 'error';
      sandbox.inactiveSince = Date.now();
      this.options.logger.error('sandbox container exited', {
        sandboxId: id,
        role: event.labels[LABELS.role],
      });
      // A broken warm member is useless: remove it now rather than after the reap delay.
      if (!isClaimed(sandbox)) void this.teardown(sandbox, 'warm member broke').catch(() => undefined);
    } else if (event.action === 'start' && event.labels[LABELS.role] === 'tools') {
      void rejoinAgent(sandbox, this.options.logger);
    } else if (['pause', 'unpause', 'start'].includes(event.action) && !sandbox.pausing) {
      void refreshState(sandbox);
    }
  }
}
