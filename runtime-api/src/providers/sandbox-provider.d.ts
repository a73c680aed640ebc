import { RuntimeApiError } from '../errors';
import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
/**
 * A sandbox backend (`process`, later `docker`). One lifecycle for every backend, after SWE-ReX's
 * `AbstractDeployment` and OpenHands' `SandboxService`; picked by configuration in `create-provider.ts`.
 *
 * Failures are `RuntimeApiError`s: `pool_exhausted` when the limit is reached, `sandbox_not_found`
 * for an unknown id, `sandbox_start_failed` when a sandbox cannot be started, `sandbox_unavailable` once closed.
 */
export interface SandboxProvider {
  /** The provider's name, reported as `SandboxInfo.provider`. */
  readonly type: string;
  /**
   * Whether sandboxes outlive runtime-api (docker: `close` leaves them, `init` adopts them back)
   * or die with it (process: `close` stops them).
   */
  readonly persistent: boolean;
  /** Connects and takes back what a previous runtime-api left (persistent providers); call once before serving. */
  init(): Promise<void>;
  /**
   * Starts a sandbox and resolves once its agent server is ready to serve. A request whose labels
   * carry `handoff.pool` starts a generic warm-pool member, reported with that label until claimed.
   */
  start(request: StartSandboxRequest): Promise<SandboxInfo>;
  /**
   * Hands a running warm-pool member to a caller: records the claim where it survives a restart,
   * applies the request's labels, environment (secrets) and resources. Throws `sandbox_unavailable`
   * when the member is no longer usable (the pool then tries the next one).
   */
  claim(id: SandboxId, request: StartSandboxRequest): Promise<SandboxInfo>;
  /** Stops a sandbox (also one still starting) and removes everything it left; throws `sandbox_not_found`. */
  stop(id: SandboxId): Promise<void>;
  /**
   * Freezes a running sandbox (its processes or container stop being scheduled); the workspace and
   * conversations survive. Pausing a paused sandbox is a no-op. Throws `sandbox_not_found`, or
   * `sandbox_unavailable` when it is not running (still starting, or broken).
   */
  pause(id: SandboxId): Promise<SandboxInfo>;
  /** Lets a paused sandbox run again; resuming a running one is a no-op. Throws like {@link pause}. */
  resume(id: SandboxId): Promise<SandboxInfo>;
  /** The sandbox, or `undefined` when there is none with this id. */
  get(id: SandboxId): Promise<SandboxInfo | undefined>;
  /** Every sandbox this provider holds, oldest first. */
  list(): Promise<SandboxInfo[]>;
  /** The Docker engines behind the provider, for metrics; absent when it has none. */
  engineStates?(): EngineState[];
  /** Starts no more sandboxes; stops every sandbox unless the provider is `persistent` (then they stay, to be adopted). */
  close(): Promise<void>;
}
/** One Docker engine as metrics report it. */
export interface EngineState {
  host: string;
  healthy: boolean;
  /** Sandboxes on it, warm-pool members included. */
  sandboxes: number;
}
/** The `sandbox_unavailable` error for pausing or resuming a sandbox that is neither running nor paused. */
export declare function notPausable(info: SandboxInfo, verb: 'pause' | 'resume'): RuntimeApiError;
/**
 * Rejects a start request that sets a `HANDOFF_*` variable: those wire the sandbox's services
 * together (key, ports, folders) and only the provider sets them.
 */
export declare function assertNoReservedEnvironment(environment: Record<string, string> | undefined): void;
