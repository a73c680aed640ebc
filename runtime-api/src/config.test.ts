import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const MODULE_URL = 'file:///opt/handoff/runtime-api/dist/main.js';

describe('loadConfig', () => {
  it('defaults everything but the key', () => {
    const config = loadConfig(
      { PATH: '/usr/bin', LANG: 'C.UTF-8', SECRET: 'x' },
      { moduleUrl: MODULE_URL, tmpdir: '/tmp' },
    );
    expect(config).toEqual({
      apiKey: undefined,
      host: '127.0.0.1',
      port: 3000,
      provider: {
        type: 'process',
        sandboxRoot: path.resolve('/tmp/handoff-sandboxes'),
        actionServerEntry: path.resolve('/opt/handoff/sandbox/dist/main.js'),
        agentServerEntry: path.resolve('/opt/handoff/agent-server/dist/main.js'),
        maxSandboxes: 8,
        startTimeoutMs: 30_000,
        inheritedEnv: { PATH: '/usr/bin', LANG: 'C.UTF-8' },
      },
      warmPoolSize: 1,
    });
  });

  it('reads the warm pool size; 0 disables the pool', () => {
    expect(loadConfig({ HANDOFF_WARM_POOL_SIZE: '0' }).warmPoolSize).toBe(0);
    expect(loadConfig({ HANDOFF_WARM_POOL_SIZE: '3' }).warmPoolSize).toBe(3);
    expect(() => loadConfig({ HANDOFF_WARM_POOL_SIZE: '-1' })).toThrow('HANDOFF_WARM_POOL_SIZE');
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        HANDOFF_RUNTIME_API_KEY: 'k'.repeat(43),
        HANDOFF_RUNTIME_HOST: '0.0.0.0',
        HANDOFF_RUNTIME_PORT: '0',
        HANDOFF_PROVIDER: 'process',
        HANDOFF_SANDBOX_ROOT: '/srv/sandboxes',
        HANDOFF_ACTION_SERVER_ENTRY: '/a.js',
        HANDOFF_AGENT_SERVER_ENTRY: '/b.js',
        HANDOFF_MAX_SANDBOXES: '2',
        HANDOFF_SANDBOX_START_TIMEOUT_MS: '5000',
      },
      { moduleUrl: MODULE_URL },
    );
    expect(config).toMatchObject({
      apiKey: 'k'.repeat(43),
      host: '0.0.0.0',
      port: 0,
      provider: {
        type: 'process',
        sandboxRoot: path.resolve('/srv/sandboxes'),
        actionServerEntry: path.resolve('/a.js'),
        agentServerEntry: path.resolve('/b.js'),
        maxSandboxes: 2,
        startTimeoutMs: 5000,
      },
    });
  });

  it('treats an empty variable as unset', () => {
    expect(
      loadConfig({ HANDOFF_RUNTIME_API_KEY: '', HANDOFF_RUNTIME_PORT: '' }, { moduleUrl: MODULE_URL }),
    ).toMatchObject({
      apiKey: undefined,
      port: 3000,
    });
  });

  it('parses the docker provider with its defaults', () => {
    expect(loadConfig({ HANDOFF_PROVIDER: 'docker' }).provider).toEqual({
      type: 'docker',
      engines: ['unix:///var/run/docker.sock'],
      image: 'handoff/sandbox:latest',
      maxSandboxes: 8,
      maxRunning: 8,
      startTimeoutMs: 30_000,
      idlePauseMs: 900_000,
      reapAfterMs: 86_400_000,
      lifecycleIntervalMs: 30_000,
      ownerId: 'default',
      resources: { cpus: 2, memoryMb: 4096, pidsLimit: 1024 },
      extraLabels: {},
    });
  });

  it('reads several engines, limits and extra labels for the docker provider', () => {
    const provider = loadConfig({
      HANDOFF_PROVIDER: 'docker',
      DOCKER_HOST: 'unix:///ignored.sock',
      HANDOFF_DOCKER_HOSTS: 'unix:///run/a.sock, tcp://10.0.0.2:2375',
      HANDOFF_MAX_RUNNING: '3',
      HANDOFF_SANDBOX_MEMORY_MB: '2048',
      HANDOFF_RUNTIME_ID: 'ci-1',
      HANDOFF_DOCKER_LABELS: 'handoff.test=1,team=x',
    }).provider;
    expect(provider).toMatchObject({
      engines: ['unix:///run/a.sock', 'tcp://10.0.0.2:2375'],
      maxRunning: 3,
      ownerId: 'ci-1',
      resources: { memoryMb: 2048 },
      extraLabels: { 'handoff.test': '1', team: 'x' },
    });
  });

  it('refuses an engine that is not a Docker endpoint', () => {
    expect(() =>
      loadConfig({ HANDOFF_PROVIDER: 'docker', HANDOFF_DOCKER_HOSTS: '/var/run/docker.sock' }),
    ).toThrow('HANDOFF_DOCKER_HOSTS');
  });

  it.each([
    ['HANDOFF_RUNTIME_PORT', '70000'],
    ['HANDOFF_RUNTIME_PORT', 'http'],
    ['HANDOFF_PROVIDER', 'kubernetes'],
    ['HANDOFF_MAX_SANDBOXES', '0'],
    ['HANDOFF_SANDBOX_START_TIMEOUT_MS', '1.5'],
    ['HANDOFF_RUNTIME_ID', 'has space'],
    ['HANDOFF_SANDBOX_MEMORY_MB', '12'],
  ])('names %s=%s in its error', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
