/**
 * @module JSON-line logging. Keys, tokens and secrets never reach a log line: fields whose name
 * looks secret are replaced, key-like strings are masked, and every value registered with the
 * {@link SecretRedactor} (session key, LLM keys, conversation secrets) is masked wherever it
 * appears, at any depth.
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
// Shorter values would mask ordinary words; a secret that short is no secret.
const MIN_SECRET_LENGTH = 4;

/** Masks key-like substrings of `text`. */
export function redactText(text: string): string {
  return text.replace(SECRET_TEXT, (match) =>
    match.startsWith('Bearer') ? 'Bearer [redacted]' : 'sk-[redacted]',
  );
}

/** The secret values known to this process; the logger masks each one. */
export class SecretRedactor {
  readonly #values = new Set<string>();

  /** Registers values to mask from now on (short or empty ones are ignored). */
  add(...values: (string | undefined)[]): void {
    for (const value of values)
      if (value !== undefined && value.length >= MIN_SECRET_LENGTH) this.#values.add(value);
  }

  /** `text` with every registered value and every key-like string masked. */
  redact(text: string): string {
    let result = text;
    for (const value of this.#values)
      if (result.includes(value)) result = result.split(value).join('[redacted]');
    return redactText(result);
  }
}

function describeError(error: Error): LogFields {
  const described: LogFields = { name: error.name, message: error.message };
  for (const key of ['code', 'status', 'kind'] as const) {
    if (key in error) described[key] = (error as unknown as Record<string, unknown>)[key];
  }
  if (error.cause instanceof Error) described['cause'] = describeError(error.cause);
  return described;
}

function serialize(line: LogFields, redactor: SecretRedactor): string {
  return JSON.stringify(line, (key, value: unknown) => {
    if (key !== '' && SECRET_FIELD.test(key)) return '[redacted]';
    if (value instanceof Error) return describeError(value);
    if (typeof value === 'string') return redactor.redact(value);
    return value;
  });
}

/** How {@link createJsonLogger} writes. */
export interface JsonLoggerOptions {
  /** Receives each line, newline included (stderr by default). */
  write?: (line: string) => void;
  /** Values to mask (a fresh, empty one when absent). */
  redactor?: SecretRedactor;
}

/** A logger that writes one JSON object per line. */
export function createJsonLogger(options: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const redactor = options.redactor ?? new SecretRedactor();
  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    write(
      `${serialize({ time: new Date().toISOString(), level, msg: message, ...base, ...fields }, redactor)}\n`,
    );
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
    child: (fields) => createJsonLogger({ write, redactor }, { ...base, ...fields }),
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
