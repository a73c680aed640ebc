export { FakeSandboxProvider } from './fake-sandbox-provider';
export type { FakeSandboxProviderOptions } from './fake-sandbox-provider';
export { RecordingLogger } from './recording-logger';
export type { LogEntry } from './recording-logger';
export { FIXTURE_ENTRIES } from './fixture-entries';
export { HARNESS_API_KEY, fixturePids, isAlive, metricValue, startProcessHarness } from './process-harness';
export type { ProcessHarness, ProcessHarnessOptions } from './process-harness';
/** The app itself, so a benchmark can serve it over a fake provider (bench/src/docker-bench.ts). */
export { createApp } from '../http/app';
