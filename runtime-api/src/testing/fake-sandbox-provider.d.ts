import type { SandboxId, SandboxInfo, SandboxStatus, StartSandboxRequest } from '@handoff/protocol';
import type { SandboxProvider } from '../providers/sandbox-provider';
/** Options of {@link FakeSandboxProvider}. */
export interface FakeSandboxProviderOptions {
  /** More live sandboxes than this is `pool_exhausted`; unlimited by default. */
  maxSandboxes?: number;
  /** The clock; by default one second per sandbox from 2026-01-01, so order is deterministic. */
  now?: () => Date;
}
/**
 * A working in-memory {@link SandboxProvider} for route tests (after SWE-ReX's `DummyDeployment`):
 * sandboxes start at once as `running`, with predictable ids (`fake-1`, ...) and keys.
 */
export declare class FakeSandboxProvider implements SandboxProvider {
  private readonly options;
  readonly type = 'fake';
  readonly persistent = false;
  /** Every start request received, in order. */
  readonly startRequests: StartSandboxRequest[];
  /** Every claim received, in order. */
  readonly claims: {
    id: SandboxId;
    request: StartSandboxRequest;
  }[];
  private readonly sandboxes;
  private readonly now;
  private counter;
  private closed;
  constructor(options?: FakeSandboxProviderOptions);
  /** Whether `close()` was called. */
  get isClosed(): boolean;
  init(): Promise<void>;
  /** Records the claim and gives the member the caller's labels, as the real providers do. */
  claim(id: SandboxId, request: StartSandboxRequest): Promise<SandboxInfo>;
  start(request: StartSandboxRequest): Promise<SandboxInfo>;
  stop(id: SandboxId): Promise<void>;
  pause(id: SandboxId): Promise<SandboxInfo>;
  resume(id: SandboxId): Promise<SandboxInfo>;
  get(id: SandboxId): Promise<SandboxInfo | undefined>;
  list(): Promise<SandboxInfo[]>;
  close(): Promise<void>;
  private create;
  private freeze;
  /** Test hook: puts a sandbox in another status (e.g. `error`, as when one of its services dies). */
  setStatus(id: SandboxId, status: SandboxStatus): void;
}
