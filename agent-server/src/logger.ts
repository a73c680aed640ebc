/**
 * @module JSON-line logging to stderr. Keys and tokens never reach a log line: fields whose
 * name looks secret are replaced, and key-like strings are masked in messages.
 */

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured context of a log line. */
export type LogFields = Record<string, unknown>;

/** Where the agent server's logs go. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const SECRET_FIELD = /(api[-_]?key|authorization|token|secret|password|cookie)/i;
// OpenAI-style keys (sk-..., sk-proj-...) and bearer tokens that slip into provider messages.
const SECRET_TEXT = /\b(sk-[A-Za-z0-9_*-]{6,}|Bearer\s+[A-Za-z0-9._~+/=-]{6,})/g;

/** Masks key-like substrings of `text`. */
export function redactText(text: string): string {
  return text.replace(SECRET_TEXT, (match) =>
    match.startsWith('Bearer') ? 'Bearer [redacted]' : 'sk-[redacted]',
  );
}

function describeError(error: Error): LogFields {
  const described: LogFields = { name: error.name, message: redactText(error.message) };
  for (const key of ['code', 'status', 'kind'] as const) {
    if (key in error) described[key] = (error as unknown as Record<string, unknown>)[key];
  }
  if (error.cause instanceof Error) described['cause'] = describeError(error.cause);
  return described;
}

function sanitize(fields: LogFields): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) clean[key] = '[redacted]';
    else if (value instanceof Error) clean[key] = describeError(value);
    else if (typeof value === 'string') clean[key] = redactText(value);
    else clean[key] = value;
  }
  return clean;
}

/** A logger that writes one JSON object per line through `write` (stderr by default). */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
  base: LogFields = {},
): Logger {
  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    const line = {
      time: new Date().toISOString(),
      level,
      msg: redactText(message),
      ...sanitize({ ...base, ...fields }),
    };
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (message, fields) => {
      log('debug', message, fields);
    },
    info: (message, fields) => {
      log('info', message, fields);
    },
    warn: (message, fields) => {
      log('warn', message, fields);
    },
    error: (message, fields) => {
      log('error', message, fields);
    },
    child: (fields) => createJsonLogger(write, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
