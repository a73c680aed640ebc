import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { RecordingLogger } from '../testing/recording-logger';
import { createProvider } from './create-provider';

describe('createProvider', () => {
  it('builds the process provider', async () => {
    const provider = createProvider(
      {
        type: 'process',
        sandboxRoot: '/tmp/unused',
        actionServerEntry: '/a.js',
        agentServerEntry: '/b.js',
        maxSandboxes: 1,
        startTimeoutMs: 1000,
        inheritedEnv: {},
      },
      new RecordingLogger(),
    );
    expect(provider.type).toBe('process');
    await provider.close();
  });

  it('builds the docker provider without touching Docker until init', async () => {
    const config = loadConfig({ HANDOFF_PROVIDER: 'docker', DOCKER_HOST: 'unix:///nonexistent.sock' });
    const provider = createProvider(config.provider, new RecordingLogger());
    expect(provider.type).toBe('docker');
    expect(provider.persistent).toBe(true);
    await provider.close();
  });
});
