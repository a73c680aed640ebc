export { FakeSandboxProvider } from './fake-sandbox-provider';
export type { FakeSandboxProviderOptions } from './fake-sandbox-provider';
export { RecordingLogger } from './recording-logger';
export type { LogEntry } from './recording-logger';
export { FIXTURE_ENTRIES } from './fixture-entries';
