import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SandboxInfo } from '@handoff/protocol';
import type { StartRecorder, StartSource } from '../pool/pooled-sandbox-provider';
import type { EngineState } from '../providers/sandbox-provider';

/** What the gauges read at scrape time. */
export interface MetricsSource {
  /** The user-visible sandboxes (pool members excluded). */
  list(): Promise<SandboxInfo[]>;
  /** Ready pool members per profile; absent when there is no pool. */
  poolSizes?(): ReadonlyMap<string, number>;
  /** The Docker engines and whether each answers; absent for providers without engines. */
  engines?(): readonly EngineState[];
}

/** Metric names, for callers that read `/metrics` (tests, bench). */
export const METRIC_NAMES = {
  poolSize: 'handoff_warm_pool_size',
  running: 'handoff_sandboxes_running',
  paused: 'handoff_sandboxes_paused',
  claims: 'handoff_warm_pool_claims_total',
  coldStarts: 'handoff_cold_starts_total',
  startSeconds: 'handoff_sandbox_start_seconds',
  engineUp: 'handoff_docker_engine_up',
  engineSandboxes: 'handoff_docker_engine_sandboxes',
} as const;

/**
 * runtime-api's Prometheus metrics in a registry of their own (never prom-client's global one, so
 * two apps in one process do not collide). Gauges are read from the {@link MetricsSource} at scrape time.
 */
export class RuntimeMetrics implements StartRecorder {
  readonly registry = new Registry();
  private source: MetricsSource = { list: () => Promise.resolve([]) };
  private readonly claims: Counter;
  private readonly coldStarts: Counter;
  private readonly startSeconds: Histogram<'source'>;

  constructor() {
    const registers = [this.registry];
    const metrics = (): MetricsSource => this.source;
    new Gauge({
      name: METRIC_NAMES.poolSize,
      help: 'Ready warm-pool sandboxes, per profile.',
      labelNames: ['profile'],
      registers,
      collect() {
        this.reset();
        for (const [profile, size] of metrics().poolSizes?.() ?? []) this.set({ profile }, size);
      },
    });
    new Gauge({
      name: METRIC_NAMES.engineUp,
      help: '1 when the Docker engine answers, 0 while it is away.',
      labelNames: ['engine'],
      registers,
      collect() {
        this.reset();
        for (const engine of metrics().engines?.() ?? [])
          this.set({ engine: engine.host }, engine.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: METRIC_NAMES.engineSandboxes,
      help: 'Sandboxes (pool members included) on each Docker engine.',
      labelNames: ['engine'],
      registers,
      collect() {
        this.reset();
        for (const engine of metrics().engines?.() ?? []) this.set({ engine: engine.host }, engine.sandboxes);
      },
    });
    this.statusGauge(METRIC_NAMES.running, 'running', 'Sandboxes running (pool members excluded).');
    this.statusGauge(METRIC_NAMES.paused, 'paused', 'Sandboxes paused.');
    this.claims = new Counter({
      name: METRIC_NAMES.claims,
      help: 'POST /start requests served from the warm pool.',
      registers,
    });
    this.coldStarts = new Counter({
      name: METRIC_NAMES.coldStarts,
      help: 'POST /start requests served by starting a sandbox.',
      registers,
    });
    this.startSeconds = new Histogram({
      name: METRIC_NAMES.startSeconds,
      help: 'POST /start latency in the provider, by source (warm claim or cold start).',
      labelNames: ['source'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /** Where the gauges read sandboxes and pool sizes from. */
  watch(source: MetricsSource): void {
    this.source = source;
  }

  recordStart(source: StartSource, seconds: number): void {
    (source === 'warm' ? this.claims : this.coldStarts).inc();
    this.startSeconds.observe({ source }, seconds);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  private statusGauge(name: string, status: SandboxInfo['status'], help: string): void {
    const metrics = (): MetricsSource => this.source;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const sandboxes = await metrics().list();
        this.set(sandboxes.filter((info) => info.status === status).length);
      },
    });
  }
}
