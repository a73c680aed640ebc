import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
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

  it('says docker is not available yet', () => {
    const create = () =>
      createProvider({ type: 'docker', maxSandboxes: 1, startTimeoutMs: 1000 }, new RecordingLogger());
    expect(create).toThrow(ConfigError);
    expect(create).toThrow('not available yet');
  });
});
