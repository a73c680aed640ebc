/** Structured fields attached to a log line. Never put keys or tokens here. */
export type LogFields = Record<string, unknown>;

/** The action server's logger: one JSON object per line on stderr. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Turns an `Error` into plain fields a JSON line can carry. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const fields: LogFields = { errorName: error.name, errorMessage: error.message, stack: error.stack };
  if (error.cause !== undefined) fields['cause'] = errorFields(error.cause);
  return fields;
}

/** A logger that writes JSON lines (`{time, level, msg, ...fields}`) with `write`. */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (level: string, message: string, fields?: LogFields): void => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  };
  return {
    info: (message, fields) => {
      emit('info', message, fields);
    },
    warn: (message, fields) => {
      emit('warn', message, fields);
    },
    error: (message, fields) => {
      emit('error', message, fields);
    },
  };
}
