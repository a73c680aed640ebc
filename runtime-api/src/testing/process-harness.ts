import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SandboxInfo } from '@handoff/protocol';
import { createApp } from '../http/app';
import { RuntimeMetrics } from '../metrics/runtime-metrics';
import { PooledSandboxProvider } from '../pool/pooled-sandbox-provider';
import { ProcessSandboxProvider } from '../providers/process/process-sandbox-provider';
import { FIXTURE_ENTRIES } from './fixture-entries';
import { RecordingLogger } from './recording-logger';

/** The key {@link startProcessHarness}'s app expects. */
export const HARNESS_API_KEY = 'harness-runtime-api-key-0123456789';

/** Options of {@link startProcessHarness}. */
export interface ProcessHarnessOptions {
  /** Ready sandboxes kept warm; `0` by default. */
  poolSize?: number;
  /** The total cap, pool members included; 4 by default. */
  maxSandboxes?: number;
  /** Stand-in service scripts by default; the real bundles for the bench. */
  entries?: { actionServer: string; agentServer: string };
}

/**
 * runtime-api as `main.ts` wires it (process provider, warm pool, metrics, app) in a fresh temporary
 * sandbox root, for tests and benchmarks. `close()` stops everything and removes the root.
 */
export async function startProcessHarness(options: ProcessHarnessOptions = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'handoff-runtime-harness-'));
  const sandboxRoot = path.join(root, 'sandboxes');
  const logger = new RecordingLogger();
  const maxSandboxes = options.maxSandboxes ?? 4;
  const inner = new ProcessSandboxProvider({
    sandboxRoot,
    actionServerEntry: options.entries?.actionServer ?? FIXTURE_ENTRIES.readyService,
    agentServerEntry: options.entries?.agentServer ?? FIXTURE_ENTRIES.readyService,
    maxSandboxes,
    startTimeoutMs: 20_000,
    inheritedEnv: { PATH: process.env['PATH'] ?? '' },
    stopGraceMs: 500,
    logger,
  });
  const metrics = new RuntimeMetrics();
  const provider = new PooledSandboxProvider({
    inner,
    poolSize: options.poolSize ?? 0,
    maxSandboxes,
    recorder: metrics,
    logger,
  });
  metrics.watch({ list: () => provider.list(), poolSizes: () => provider.poolSizes() });
  const app = createApp({ apiKey: HARNESS_API_KEY, provider, logger, metrics });
  /** `key: null` sends no `X-API-Key`. */
  const call = (method: string, route: string, body?: unknown, key: string | null = HARNESS_API_KEY) =>
    app.request(`http://localhost${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'X-API-Key': key }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    root,
    sandboxRoot,
    logger,
    inner,
    provider,
    metrics,
    app,
    call,
    /** Sandbox folders left under the root. */
    folders: async (): Promise<string[]> => (existsSync(sandboxRoot) ? readdir(sandboxRoot) : []),
    close: async (): Promise<void> => {
      await provider.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** What {@link startProcessHarness} resolves with. */
export type ProcessHarness = Awaited<ReturnType<typeof startProcessHarness>>;

/** The pids of a sandbox's two fixture services (each reports itself on `GET /env`). */
export async function fixturePids(info: SandboxInfo): Promise<number[]> {
  const agent = (await (await fetch(`${info.agentServerUrl}/env`)).json()) as {
    pid: number;
    env: Record<string, string>;
  };
  const actionUrl = agent.env['HANDOFF_ACTION_SERVER_URL'] ?? '';
  const action = (await (await fetch(`${actionUrl}/env`)).json()) as { pid: number };
  return [agent.pid, action.pid];
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The value of an unlabelled sample (or one with exactly `labels`) in Prometheus text. */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
