import type { SandboxInfo } from '@handoff/protocol';
import { RuntimeMetrics } from '../metrics/runtime-metrics';
import { PooledSandboxProvider } from '../pool/pooled-sandbox-provider';
import { ProcessSandboxProvider } from '../providers/process/process-sandbox-provider';
import { RecordingLogger } from './recording-logger';
/** The key {@link startProcessHarness}'s app expects. */
export declare const HARNESS_API_KEY = 'harness-runtime-api-key-0123456789';
/** Options of {@link startProcessHarness}. */
export interface ProcessHarnessOptions {
  /** Ready sandboxes kept warm; `0` by default. */
  poolSize?: number;
  /** The total cap, pool members included; 4 by default. */
  maxSandboxes?: number;
  /** Stand-in service scripts by default; the real bundles for the bench. */
  entries?: {
    actionServer: string;
    agentServer: string;
  };
}
/**
 * runtime-api as `main.ts` wires it (process provider, warm pool, metrics, app) in a fresh temporary
 * sandbox root, for tests and benchmarks. `close()` stops everything and removes the root.
 */
export declare function startProcessHarness(options?: ProcessHarnessOptions): Promise<{
  root: string;
  sandboxRoot: string;
  logger: RecordingLogger;
  inner: ProcessSandboxProvider;
  provider: PooledSandboxProvider;
  metrics: RuntimeMetrics;
  app: import('hono').Hono<import('hono/types').BlankEnv, import('hono/types').BlankSchema, '/'>;
  call: (method: string, route: string, body?: unknown, key?: string | null) => Response | Promise<Response>;
  /** Sandbox folders left under the root. */
  folders: () => Promise<string[]>;
  close: () => Promise<void>;
}>;
/** What {@link startProcessHarness} resolves with. */
export type ProcessHarness = Awaited<ReturnType<typeof startProcessHarness>>;
/** The pids of a sandbox's two fixture services (each reports itself on `GET /env`). */
export declare function fixturePids(info: SandboxInfo): Promise<number[]>;
/** Whether a process with this pid exists. */
export declare function isAlive(pid: number): boolean;
/** The value of an unlabelled sample (or one with exactly `labels`) in Prometheus text. */
export declare function metricValue(text: string, name: string, labels?: string): number | undefined;
