/** Structured context of a log line. Never put keys or tokens here. */
export type LogFields = Record<string, unknown>;
/** Writes one JSON line per entry; runtime-api logs to stderr (stdout carries only the ready line). */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
/** A logger that writes `{"time","level","msg",...fields}` lines through `write` (stderr by default). */
export declare function createJsonLogger(write?: (line: string) => void): Logger;
/** Log fields describing an error: name, message, stack and the chain of causes. */
export declare function errorFields(error: unknown, depth?: number): LogFields;
