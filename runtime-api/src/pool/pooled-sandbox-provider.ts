import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import { RuntimeApiError, sandboxNotFound } from '../errors';
import type { Logger } from '../log';
import type { EngineState, SandboxProvider } from '../providers/sandbox-provider';
import { WarmPool } from './warm-pool';

/** The label that marks a pool member in the backend (so a restarted runtime-api can tell them apart). */
export const POOL_LABEL = 'handoff.pool';
/** The profile of a start request without an image. */
export const DEFAULT_PROFILE = 'default';

/** How a `/start` was served. */
export type StartSource = 'warm' | 'cold';

/** Told about every successful start (the metrics implement it). */
export interface StartRecorder {
  recordStart(source: StartSource, seconds: number): void;
}

/** What {@link PooledSandboxProvider} wraps and how. */
export interface PooledSandboxProviderOptions {
  /** The backend; it enforces the total cap, pool members included. */
  inner: SandboxProvider;
  /** Ready sandboxes kept per profile; `0` disables the pool. */
  poolSize: number;
  /** The inner provider's cap; the pool only refills below it. */
  maxSandboxes: number;
  /** Profiles kept warm; `['default']` by default. */
  profiles?: readonly string[];
  recorder?: StartRecorder;
  logger: Logger;
}

/**
 * A {@link SandboxProvider} that serves `/start` from a {@link WarmPool} of the inner provider's
 * sandboxes. Pool members carry the `handoff.pool` label and are hidden (from `get`, `list`,
 * `stop`...) until claimed; the inner provider records the claim (labels, claim time as
 * `createdAt`, environment, resources), so a persistent provider keeps it across restarts. A
 * request for a profile the pool does not keep, or with its own network mode, cold-starts.
 */
export class PooledSandboxProvider implements SandboxProvider {
  readonly type: string;
  readonly persistent: boolean;
  private readonly inner: SandboxProvider;
  private readonly pool: WarmPool<SandboxInfo>;

  constructor(private readonly options: PooledSandboxProviderOptions) {
    this.inner = options.inner;
    this.type = options.inner.type;
    this.persistent = options.inner.persistent;
    this.pool = new WarmPool<SandboxInfo>({
      size: options.poolSize,
      profiles: options.profiles ?? [DEFAULT_PROFILE],
      start: (profile) =>
        this.inner.start({
          ...(profile === DEFAULT_PROFILE ? {} : { image: profile }),
          labels: { [POOL_LABEL]: profile },
        }),
      stop: (member) => this.inner.stop(member.id).catch(ignoreNotFound),
      hasRoom: async () => {
        const live = (await this.inner.list()).filter((info) => info.status !== 'error');
        return live.length < options.maxSandboxes;
      },
      logger: options.logger,
    });
  }

  /** Initialises the inner provider and takes back the warm members it still has (after a restart). */
  async init(): Promise<void> {
    await this.inner.init();
    for (const info of await this.inner.list()) {
      const profile = info.labels[POOL_LABEL];
      if (profile === undefined) continue;
      if (info.status === 'running' && this.pool.serves(profile)) await this.pool.release(profile, info);
      else await this.inner.stop(info.id).catch(ignoreNotFound);
    }
  }

  async start(request: StartSandboxRequest): Promise<SandboxInfo> {
    assertNoReservedLabels(request.labels);
    const began = performance.now();
    const profile = request.image ?? DEFAULT_PROFILE;
    const claimed =
      (request.network ?? 'egress') === 'egress' && this.pool.serves(profile)
        ? await this.claimFromPool(profile, request)
        : undefined;
    const info = claimed ?? (await this.coldStart(request));
    this.options.recorder?.recordStart(claimed ? 'warm' : 'cold', (performance.now() - began) / 1000);
    return info;
  }

  async stop(id: SandboxId): Promise<void> {
    await this.visible(id);
    await this.inner.stop(id);
    this.pool.replenish();
  }

  async pause(id: SandboxId): Promise<SandboxInfo> {
    await this.visible(id);
    return this.inner.pause(id);
  }

  async resume(id: SandboxId): Promise<SandboxInfo> {
    await this.visible(id);
    return this.inner.resume(id);
  }

  /** Claims go through {@link start}; a member cannot be claimed by id from outside. */
  claim(id: SandboxId): Promise<SandboxInfo> {
    return Promise.reject(sandboxNotFound(id));
  }

  async get(id: SandboxId): Promise<SandboxInfo | undefined> {
    const info = await this.inner.get(id);
    return info && !isPoolMember(info) ? info : undefined;
  }

  async list(): Promise<SandboxInfo[]> {
    return (await this.inner.list()).filter((info) => !isPoolMember(info));
  }

  engineStates(): EngineState[] {
    return this.inner.engineStates?.() ?? [];
  }

  /** Starts filling the pool in the background (main calls it once at startup). */
  replenish(): void {
    this.pool.replenish();
  }

  /** Ready pool members per profile. */
  poolSizes(): Map<string, number> {
    return this.pool.sizes();
  }

  /** Resolves once no refill is in progress. */
  poolSettled(): Promise<void> {
    return this.pool.settled();
  }

  /**
   * Stops every sandbox, pool members and members still starting included (the inner close aborts
   * those); a persistent provider keeps its sandboxes and ready members for the next runtime-api.
   */
  async close(): Promise<void> {
    await Promise.all([this.pool.close({ stopMembers: !this.persistent }), this.inner.close()]);
  }

  /** Leases ready members until one takes the claim (a member may have died while it waited). */
  private async claimFromPool(
    profile: string,
    request: StartSandboxRequest,
  ): Promise<SandboxInfo | undefined> {
    for (let member = this.pool.lease(profile); member; member = this.pool.lease(profile)) {
      try {
        const info = await this.inner.claim(member.id, request);
        this.options.logger.info('sandbox claimed from the warm pool', { sandboxId: member.id, profile });
        return info;
      } catch (error) {
        if (!(error instanceof RuntimeApiError) || error.code !== 'sandbox_unavailable') throw error;
        this.options.logger.warn('warm member could not be claimed; removing it', { sandboxId: member.id });
        await this.inner.stop(member.id).catch(() => undefined);
      }
    }
    return undefined;
  }

  /** Starts a sandbox now; when the cap is reached but the pool holds a member, that member makes room. */
  private async coldStart(request: StartSandboxRequest): Promise<SandboxInfo> {
    try {
      return await this.inner.start(request);
    } catch (error) {
      if (!(error instanceof RuntimeApiError) || error.code !== 'pool_exhausted') throw error;
      if (!(await this.pool.evictOne())) throw error;
      return this.inner.start(request);
    }
  }

  /** Throws `sandbox_not_found` for an id that is unknown or a pool member still waiting for a claim. */
  private async visible(id: SandboxId): Promise<void> {
    if (!(await this.get(id))) throw sandboxNotFound(id);
  }
}

function isPoolMember(info: SandboxInfo): boolean {
  return POOL_LABEL in info.labels;
}

/** A member already gone (stopped by a close running beside it) needs no stop. */
function ignoreNotFound(error: unknown): void {
  if (error instanceof RuntimeApiError && error.code === 'sandbox_not_found') return;
  throw error;
}

/** Labels starting with `handoff.` are reserved for runtime-api's own bookkeeping. */
function assertNoReservedLabels(labels: Record<string, string> | undefined): void {
  const reserved = Object.keys(labels ?? {}).filter((name) => name.startsWith('handoff.'));
  if (reserved.length > 0) {
    throw new RuntimeApiError(
      'invalid_request',
      `Invalid start request. labels: ${reserved.join(', ')} cannot be set; handoff.* labels are reserved for runtime-api.`,
      { details: { reserved } },
    );
  }
}
