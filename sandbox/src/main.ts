import { SandboxEnv } from '@handoff/protocol';
import { startActionServer } from './action-server';
import { parseConfig } from './config';
import { createJsonLogger, errorFields } from './log';

/** Exit status for a configuration the server cannot start with. */
const EXIT_BAD_CONFIG = 2;
/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;

const logger = createJsonLogger();
const parsed = parseConfig(process.env);
if (!parsed.ok) {
  logger.error(parsed.message);
  process.exit(EXIT_BAD_CONFIG);
}
const { config } = parsed;

try {
  const server = await startActionServer({ ...config, logger });
  // The launcher waits for exactly this line (docs/architecture.md); nothing else goes to stdout.
  process.stdout.write(`${JSON.stringify({ type: 'ready', port: server.port })}\n`);
  logger.info('action server listening', {
    url: server.url,
    workspace: config.workspace,
    commandUser: config.commandUser?.name ?? null,
  });
  const shutDown = (signal: NodeJS.Signals): void => {
    logger.info('shutting down', { signal });
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutDown);
  process.once('SIGINT', shutDown);
  if (process.env[SandboxEnv.EXIT_WITH_LAUNCHER] === '1') {
    // The launcher holds our stdin; its end means the launcher is gone (even after a SIGKILL).
    process.stdin.once('end', () => {
      shutDown('SIGTERM');
    });
    process.stdin.resume();
  }
} catch (error) {
  logger.error('action server could not start', errorFields(error));
  process.exit(1);
}
