import type { LogFields, Logger } from '../log';

/** One line a `RecordingLogger` kept. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

/** A logger that writes nothing and keeps every line, for assertions. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];

  info(message: string, fields?: LogFields): void {
    this.records.push({ level: 'info', message, fields });
  }

  warn(message: string, fields?: LogFields): void {
    this.records.push({ level: 'warn', message, fields });
  }

  error(message: string, fields?: LogFields): void {
    this.records.push({ level: 'error', message, fields });
  }
}
