import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import type { Logger } from '../log';
import type { EngineState, SandboxProvider } from '../providers/sandbox-provider';
/** The label that marks a pool member in the backend (so a restarted runtime-api can tell them apart). */
export declare const POOL_LABEL = 'handoff.pool';
/** The profile of a start request without an image. */
export declare const DEFAULT_PROFILE = 'default';
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
export declare class PooledSandboxProvider implements SandboxProvider {
  private readonly options;
  readonly type: string;
  readonly persistent: boolean;
  private readonly inner;
  private readonly pool;
  constructor(options: PooledSandboxProviderOptions);
  /** Initialises the inner provider and takes back the warm members it still has (after a restart). */
  init(): Promise<void>;
  start(request: StartSandboxRequest): Promise<SandboxInfo>;
  stop(id: SandboxId): Promise<void>;
  pause(id: SandboxId): Promise<SandboxInfo>;
  resume(id: SandboxId): Promise<SandboxInfo>;
  /** Claims go through {@link start}; a member cannot be claimed by id from outside. */
  claim(id: SandboxId): Promise<SandboxInfo>;
  get(id: SandboxId): Promise<SandboxInfo | undefined>;
  list(): Promise<SandboxInfo[]>;
  engineStates(): EngineState[];
  /** Starts filling the pool in the background (main calls it once at startup). */
  replenish(): void;
  /** Ready pool members per profile. */
  poolSizes(): Map<string, number>;
  /** Resolves once no refill is in progress. */
  poolSettled(): Promise<void>;
  /**
   * Stops every sandbox, pool members and members still starting included (the inner close aborts
   * those); a persistent provider keeps its sandboxes and ready members for the next runtime-api.
   */
  close(): Promise<void>;
  /** Leases ready members until one takes the claim (a member may have died while it waited). */
  private claimFromPool;
  /** Starts a sandbox now; when the cap is reached but the pool holds a member, that member makes room. */
  private coldStart;
  /** Throws `sandbox_not_found` for an id that is unknown or a pool member still waiting for a claim. */
  private visible;
}
