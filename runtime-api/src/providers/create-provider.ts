import type { ProviderConfig, RuntimeApiConfig } from '../config';
import { PooledSandboxProvider } from '../pool/pooled-sandbox-provider';
import type { StartRecorder } from '../pool/pooled-sandbox-provider';
import type { Logger } from '../log';
import { DockerSandboxProvider } from './docker/docker-sandbox-provider';
import { ProcessSandboxProvider } from './process/process-sandbox-provider';
import type { SandboxProvider } from './sandbox-provider';

/** Builds the configured provider (a switch on `config.type`, after SWE-ReX `config.py`). */
export function createProvider(config: ProviderConfig, logger: Logger): SandboxProvider {
  switch (config.type) {
    case 'process':
      return new ProcessSandboxProvider({ ...config, logger });
    case 'docker':
      return new DockerSandboxProvider({ ...config, logger });
  }
}

/** The configured provider behind a warm pool of `config.warmPoolSize` per profile (`0`: no pool, every start is cold). */
export function createPooledProvider(
  config: Pick<RuntimeApiConfig, 'provider' | 'warmPoolSize'>,
  logger: Logger,
  recorder?: StartRecorder,
): PooledSandboxProvider {
  return new PooledSandboxProvider({
    inner: createProvider(config.provider, logger),
    poolSize: config.warmPoolSize,
    maxSandboxes: config.provider.maxSandboxes,
    recorder,
    logger,
  });
}
