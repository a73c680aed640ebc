import { SandboxEnv, type ReadyLine } from '@handoff/protocol';
import { startAgentServer } from './agent-server';
import { parseConfig } from './config';
import type { Logger } from './logger';
import { SecretRedactor, createJsonLogger } from './logger';

/** Exit status for a configuration the server cannot start with. */
const EXIT_BAD_CONFIG = 2;

/**
 * Where log lines go: stderr, or with `LOG_JSON=1` stdout, where lines written before the ready
 * line are held back until it is out (launchers read the first stdout line as the ready line).
 */
class LogSink {
  #toStdout = false;
  #held: string[] | undefined;

  readonly write = (line: string): void => {
    if (!this.#toStdout) process.stderr.write(line);
    else if (this.#held !== undefined) this.#held.push(line);
    else process.stdout.write(line);
  };

  useStdout(): void {
    this.#toStdout = true;
    this.#held = [];
  }

  /** Writes the ready line, then whatever was held back. */
  ready(line: string): void {
    process.stdout.write(line);
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const logLine of held) process.stdout.write(logLine);
  }
}

async function main(sink: LogSink, redactor: SecretRedactor): Promise<void> {
  const logger = createJsonLogger({ write: sink.write, redactor }).child({ service: 'agent-server' });
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    logger.error(parsed.message);
    process.exit(EXIT_BAD_CONFIG);
  }
  redactor.add(parsed.config.sessionApiKey, parsed.config.actionServerApiKey);
  if (parsed.config.logJson === true) sink.useStdout();
  const server = await startAgentServer({ config: parsed.config, logger, redactor });
  const ready: ReadyLine = { type: 'ready', port: server.port };
  sink.ready(`${JSON.stringify(ready)}\n`);
  logger.info('Agent server listening', { url: server.url, workspace: parsed.config.workspace });
  stopOnSignals(logger, () => server.close());
}

function stopOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('Shutting down', { signal });
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('Shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  if (process.env[SandboxEnv.EXIT_WITH_LAUNCHER] === '1') {
    // The launcher holds our stdin; its end means the launcher is gone (even after a SIGKILL).
    process.stdin.once('end', () => {
      stop('launcher gone');
    });
    process.stdin.resume();
  }
}

const sink = new LogSink();
const redactor = new SecretRedactor();
main(sink, redactor).catch((error: unknown) => {
  // Written to stderr: a start that failed may never have written its ready line.
  createJsonLogger({ redactor }).error('Agent server failed to start', { service: 'agent-server', error });
  process.exit(1);
});
