import type { ReadyLine } from '@handoff/protocol';
import { startAgentServer } from './agent-server';
import { parseConfig } from './config';
import { createJsonLogger } from './logger';

/** Exit status for a configuration the server cannot start with. */
const EXIT_BAD_CONFIG = 2;

async function main(): Promise<void> {
  const logger = createJsonLogger().child({ service: 'agent-server' });
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    logger.error(parsed.message);
    process.exit(EXIT_BAD_CONFIG);
  }
  const server = await startAgentServer({ config: parsed.config, logger });
  // The launcher waits for exactly this line on stdout (docs/architecture.md); nothing else goes there.
  const ready: ReadyLine = { type: 'ready', port: server.port };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  logger.info('Agent server listening', { url: server.url, workspace: parsed.config.workspace });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('Shutting down', { signal });
    server.close().then(
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
}

main().catch((error: unknown) => {
  createJsonLogger().error('Agent server failed to start', { service: 'agent-server', error });
  process.exit(1);
});
