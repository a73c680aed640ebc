/** Structured context of a log line. Never put keys or tokens here. */
export type LogFields = Record<string, unknown>;

/** Writes one JSON line per entry; runtime-api logs to stderr (stdout carries only the ready line). */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Level = 'info' | 'warn' | 'error';

/** A logger that writes `{"time","level","msg",...fields}` lines through `write` (stderr by default). */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const log = (level: Level, message: string, fields: LogFields = {}): void => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  };
  return {
    info: (message, fields) => {
      log('info', message, fields);
    },
    warn: (message, fields) => {
      log('warn', message, fields);
    },
    error: (message, fields) => {
      log('error', message, fields);
    },
  };
}

/** Log fields describing an error: name, message, stack and the chain of causes. */
export function errorFields(error: unknown, depth = 0): LogFields {
  if (!(error instanceof Error)) return { value: String(error) };
  const fields: LogFields = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined && depth < 3) fields['cause'] = errorFields(error.cause, depth + 1);
  return fields;
}
