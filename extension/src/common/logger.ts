/**
 * Where the extension writes its log. `vscode.LogOutputChannel` fits it, and tests pass
 * {@link silentLogger}. Never log keys or tokens.
 */
export interface Logger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
