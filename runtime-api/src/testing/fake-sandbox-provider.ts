import type { SandboxId, SandboxInfo, SandboxStatus, StartSandboxRequest } from '@handoff/protocol';
import { RuntimeApiError, poolExhausted, sandboxNotFound } from '../errors';
import { assertNoReservedEnvironment, notPausable } from '../providers/sandbox-provider';
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
export class FakeSandboxProvider implements SandboxProvider {
  readonly type = 'fake';
  readonly persistent = false;
  /** Every start request received, in order. */
  readonly startRequests: StartSandboxRequest[] = [];
  /** Every claim received, in order. */
  readonly claims: { id: SandboxId; request: StartSandboxRequest }[] = [];
  private readonly sandboxes = new Map<SandboxId, SandboxInfo>();
  private readonly now: () => Date;
  private counter = 0;
  private closed = false;

  constructor(private readonly options: FakeSandboxProviderOptions = {}) {
    this.now = options.now ?? (() => new Date(Date.UTC(2026, 0, 1, 0, 0, this.counter)));
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  /** Records the claim and gives the member the caller's labels, as the real providers do. */
  claim(id: SandboxId, request: StartSandboxRequest): Promise<SandboxInfo> {
    return new Promise((resolve) => {
      const info = this.sandboxes.get(id);
      if (info?.status !== 'running' || !('handoff.pool' in info.labels))
        throw new RuntimeApiError('sandbox_unavailable', `Warm sandbox ${id} cannot be claimed.`);
      this.claims.push({ id, request });
      info.labels = { ...request.labels };
      info.createdAt = this.now().toISOString();
      resolve({ ...info });
    });
  }

  start(request: StartSandboxRequest): Promise<SandboxInfo> {
    // The executor turns a throw into a rejection, as an async provider would.
    return new Promise((resolve) => {
      resolve(this.create(request));
    });
  }

  stop(id: SandboxId): Promise<void> {
    return new Promise((resolve) => {
      if (!this.sandboxes.delete(id)) throw sandboxNotFound(id);
      resolve();
    });
  }

  pause(id: SandboxId): Promise<SandboxInfo> {
    return Promise.resolve().then(() => this.freeze(id, 'paused'));
  }

  resume(id: SandboxId): Promise<SandboxInfo> {
    return Promise.resolve().then(() => this.freeze(id, 'running'));
  }

  get(id: SandboxId): Promise<SandboxInfo | undefined> {
    const info = this.sandboxes.get(id);
    return Promise.resolve(info ? { ...info } : undefined);
  }

  list(): Promise<SandboxInfo[]> {
    return Promise.resolve([...this.sandboxes.values()].map((info) => ({ ...info })));
  }

  close(): Promise<void> {
    this.closed = true;
    this.sandboxes.clear();
    return Promise.resolve();
  }

  private create(request: StartSandboxRequest): SandboxInfo {
    if (this.closed) throw new RuntimeApiError('sandbox_unavailable', 'The provider is closed.');
    assertNoReservedEnvironment(request.environment);
    const live = [...this.sandboxes.values()].filter((info) => info.status !== 'error').length;
    if (this.options.maxSandboxes !== undefined && live >= this.options.maxSandboxes) {
      throw poolExhausted(this.options.maxSandboxes);
    }
    this.startRequests.push(request);
    this.counter += 1;
    const id = `fake-${String(this.counter)}`;
    const info: SandboxInfo = {
      id,
      status: 'running',
      agentServerUrl: `http://127.0.0.1:${String(40000 + this.counter)}`,
      sessionApiKey: `session-key-${id}`,
      provider: this.type,
      labels: { ...request.labels },
      createdAt: this.now().toISOString(),
    };
    this.sandboxes.set(id, info);
    return { ...info };
  }

  private freeze(id: SandboxId, target: 'paused' | 'running'): SandboxInfo {
    const info = this.sandboxes.get(id);
    if (!info) throw sandboxNotFound(id);
    if (info.status !== 'running' && info.status !== 'paused')
      throw notPausable(info, target === 'paused' ? 'pause' : 'resume');
    info.status = target;
    return { ...info };
  }

  /** Test hook: puts a sandbox in another status (e.g. `error`, as when one of its services dies). */
  setStatus(id: SandboxId, status: SandboxStatus): void {
    const info = this.sandboxes.get(id);
    if (!info) throw new Error(`FakeSandboxProvider has no sandbox ${id}`);
    info.status = status;
  }
}
