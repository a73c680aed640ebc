import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { baseUrl, isLoopback, startupBanner } from './banner';
import { ConfigError, loadConfig } from './config';
import { createApp } from './http/app';
import { createJsonLogger, errorFields } from './log';
import type { Logger } from './log';
import { RuntimeMetrics } from './metrics/runtime-metrics';
import { createPooledProvider } from './providers/create-provider';
import type { SandboxProvider } from './providers/sandbox-provider';

/** Composition root: config, provider (adopting what a previous run left), app, server, shutdown. */
async function main(): Promise<void> {
  const logger = createJsonLogger();
  const config = loadConfig(process.env);
  const generatedApiKey = config.apiKey === undefined ? randomBytes(32).toString('base64url') : undefined;
  const apiKey = config.apiKey ?? generatedApiKey ?? '';
  if (apiKey.length < 16)
    logger.warn('HANDOFF_RUNTIME_API_KEY is shorter than 16 characters; use a long random key');
  const metrics = new RuntimeMetrics();
  const provider = createPooledProvider(config, logger, metrics);
  await provider.init();
  metrics.watch({
    list: () => provider.list(),
    poolSizes: () => provider.poolSizes(),
    engines: () => provider.engineStates(),
  });
  const app = createApp({ apiKey, provider, logger, metrics });
  const server = serve(
    { fetch: app.fetch, hostname: config.host, port: config.port },
    (address: AddressInfo) => {
      const url = baseUrl(config.host, address.port);
      process.stderr.write(
        startupBanner({
          url,
          provider: config.provider,
          generatedApiKey,
          loopbackOnly: isLoopback(config.host),
          warmPoolSize: config.warmPoolSize,
        }),
      );
      if (config.provider.type === 'process')
        logger.warn('the process provider does not isolate sandboxes from this machine');
      logger.info('runtime-api listening', { url, provider: config.provider.type });
      // The launcher's readiness signal (docs/architecture.md): one line, the only stdout output.
      process.stdout.write(`${JSON.stringify({ type: 'ready', port: address.port })}\n`);
      provider.replenish();
    },
  );
  server.on('error', (error) => {
    logger.error('runtime-api could not listen', {
      host: config.host,
      port: config.port,
      error: errorFields(error),
    });
    void provider.close().finally(() => process.exit(1));
  });
  shutDownOnSignals(provider, () => server.close(), logger);
}

/** SIGTERM / SIGINT: stop accepting requests, stop every sandbox, exit 0. A second signal exits at once. */
function shutDownOnSignals(provider: SandboxProvider, closeServer: () => void, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('second signal; exiting without waiting for sandboxes to stop', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down: stopping every sandbox', { signal });
    closeServer();
    provider.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: errorFields(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

try {
  await main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`runtime-api: ${error.message}\n`);
  process.exit(1);
}
