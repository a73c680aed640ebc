import type { AgentServerConfig } from '../config';

/**
 * The config of an in-process agent server for tests and benchmarks: loopback, a free port,
 * and an action server URL nobody listens on (such servers get a fake sandbox client instead).
 */
export function inProcessConfig(
  sessionApiKey: string,
  stateDir: string,
  workspace = '/workspace',
): AgentServerConfig {
  return {
    sessionApiKey,
    host: '127.0.0.1',
    port: 0,
    workspace,
    actionServerUrl: 'http://127.0.0.1:9',
    stateDir,
  };
}
