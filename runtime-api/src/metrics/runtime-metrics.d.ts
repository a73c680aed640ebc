import { Registry } from 'prom-client';
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
export declare const METRIC_NAMES: {
  readonly poolSize: 'handoff_warm_pool_size';
  readonly running: 'handoff_sandboxes_running';
  readonly paused: 'handoff_sandboxes_paused';
  readonly claims: 'handoff_warm_pool_claims_total';
  readonly coldStarts: 'handoff_cold_starts_total';
  readonly startSeconds: 'handoff_sandbox_start_seconds';
  readonly engineUp: 'handoff_docker_engine_up';
  readonly engineSandboxes: 'handoff_docker_engine_sandboxes';
};
/**
 * runtime-api's Prometheus metrics in a registry of their own (never prom-client's global one, so
 * two apps in one process do not collide). Gauges are read from the {@link MetricsSource} at scrape time.
 */
export declare class RuntimeMetrics implements StartRecorder {
  readonly registry: Registry<'text/plain; version=0.0.4; charset=utf-8'>;
  private source;
  private readonly claims;
  private readonly coldStarts;
  private readonly startSeconds;
  constructor();
  /** Where the gauges read sandboxes and pool sizes from. */
  watch(source: MetricsSource): void;
  recordStart(source: StartSource, seconds: number): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  /** The content type of {@link text}. */
  get contentType(): string;
  private statusGauge;
}
