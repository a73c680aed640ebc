import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import { RuntimeApiError, sandboxNotFound } from '../errors';
import type { Logger } from '../log';
import type { SandboxProvider } from '../providers/sandbox-provider';
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

/** What a claim gave a pool member: the caller's labels and the claim time. */
interface Claim {
  labels: Record<string, string>;
  createdAt: string;
}

/**
 * A {@link SandboxProvider} that serves `/start` from a {@link WarmPool} of the inner provider's
 * sandboxes. Pool members are hidden (from `get`, `list`, `stop`...) until claimed; a claimed one
 * gets the request's labels and the claim time as `createdAt`. A request with `environment`, or
 * for a profile the pool does not keep, cold-starts: a started process cannot take new variables.
 */
export class PooledSandboxProvider implements SandboxProvider {
  readonly type: string;
  private readonly inner: SandboxProvider;
  private readonly pool: WarmPool<SandboxInfo>;
  private readonly claims = new Map<SandboxId, Claim>();

  constructor(private readonly options: PooledSandboxProviderOptions) {
    this.inner = options.inner;
    this.type = options.inner.type;
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

  async start(request: StartSandboxRequest): Promise<SandboxInfo> {
    assertNoReservedLabels(request.labels);
    const began = performance.now();
    const profile = request.image ?? DEFAULT_PROFILE;
    const claimed =
      request.environment === undefined && this.pool.serves(profile)
        ? await this.claim(profile, request)
        : undefined;
    const info = claimed ?? (await this.coldStart(request));
    this.options.recorder?.recordStart(claimed ? 'warm' : 'cold', (performance.now() - began) / 1000);
    return info;
  }

  async stop(id: SandboxId): Promise<void> {
    await this.visible(id);
    await this.inner.stop(id);
    this.claims.delete(id);
    this.pool.replenish();
  }

  async pause(id: SandboxId): Promise<SandboxInfo> {
    await this.visible(id);
    return this.view(await this.inner.pause(id));
  }

  async resume(id: SandboxId): Promise<SandboxInfo> {
    await this.visible(id);
    return this.view(await this.inner.resume(id));
  }

  async get(id: SandboxId): Promise<SandboxInfo | undefined> {
    const info = await this.inner.get(id);
    return info && !this.isPoolMember(info) ? this.view(info) : undefined;
  }

  async list(): Promise<SandboxInfo[]> {
    return (await this.inner.list())
      .filter((info) => !this.isPoolMember(info))
      .map((info) => this.view(info));
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

  /** Stops every sandbox, pool members and members still starting included (the inner close aborts those). */
  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.inner.close()]);
  }

  /** Leases ready members until one is still running (a member may have died while it waited). */
  private async claim(profile: string, request: StartSandboxRequest): Promise<SandboxInfo | undefined> {
    for (let member = this.pool.lease(profile); member; member = this.pool.lease(profile)) {
      const current = await this.inner.get(member.id);
      if (current?.status !== 'running') {
        await this.inner.stop(member.id).catch(ignoreNotFound);
        continue;
      }
      this.claims.set(member.id, { labels: { ...request.labels }, createdAt: new Date().toISOString() });
      this.options.logger.info('sandbox claimed from the warm pool', { sandboxId: member.id, profile });
      return this.view(current);
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

  private isPoolMember(info: SandboxInfo): boolean {
    return POOL_LABEL in info.labels && !this.claims.has(info.id);
  }

  private view(info: SandboxInfo): SandboxInfo {
    const claim = this.claims.get(info.id);
    return claim ? { ...info, labels: { ...claim.labels }, createdAt: claim.createdAt } : info;
  }
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
