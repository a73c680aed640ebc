import { ConfigError } from '../config';
import type { ProviderConfig } from '../config';
import type { Logger } from '../log';
import { ProcessSandboxProvider } from './process/process-sandbox-provider';
import type { SandboxProvider } from './sandbox-provider';

/** Builds the configured provider (a switch on `config.type`, after SWE-ReX `config.py`). */
export function createProvider(config: ProviderConfig, logger: Logger): SandboxProvider {
  switch (config.type) {
    case 'process':
      return new ProcessSandboxProvider({ ...config, logger });
    case 'docker':
      throw new ConfigError(
        'HANDOFF_PROVIDER=docker is not available yet. Use HANDOFF_PROVIDER=process (the default) for now.',
      );
  }
}
