import type { LogFields, Logger } from '../log';
/** One entry a {@link RecordingLogger} received. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}
/** A {@link Logger} that keeps every entry, so tests can assert on logs (and that no key leaks into them). */
export declare class RecordingLogger implements Logger {
  readonly entries: LogEntry[];
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Every entry as the JSON line the real logger would write. */
  text(): string;
}
