/**
 * @module runtime-api with the docker provider, for the docker tests: started from its bundle with
 * a unique owner id (so each test sees only its own sandboxes), the test label on every object,
 * restartable (SIGKILL, then start again with the same environment), and a cleanup that removes
 * whatever it left on every engine.
 */
import { randomBytes } from 'node:crypto';
import {
  RUNTIME_API_KEY_HEADER,
  SandboxInfoSchema,
  type SandboxInfo,
  type StartSandboxRequest,
} from '@handoff/protocol';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedLlmTurn,
} from '../../../agent-server/src/testing/scripted-llm-server';
import { BUNDLES, startService, type RunningService } from '../services';
import { startRelay } from './bridge-relay';
import { docker, TEST_LABEL } from './docker-cli';

/** The default engine's endpoint, as runtime-api takes it. */
export const MAIN_ENGINE_HOST = 'unix:///var/run/docker.sock';

/** A runtime-api process with the docker provider. */
export interface DockerRuntime {
  readonly apiKey: string;
  /** `handoff.owner` of everything it creates. */
  readonly ownerId: string;
  readonly engines: readonly string[];
  /** The current process (changes on {@link restart}). */
  readonly service: RunningService;
  readonly url: string;
  /** Calls the API with the key. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  /** `POST /start`; throws with the answer when it is not 200. */
  start(request?: StartSandboxRequest): Promise<SandboxInfo>;
  /** Kills the process with SIGKILL (no cleanup at all) and starts a new one with the same environment. */
  restart(): Promise<void>;
  /** Stops the process and removes every container and volume it left on every engine. */
  close(): Promise<void>;
}

/** Options of {@link startDockerRuntime}. */
export interface DockerRuntimeOptions {
  image: string;
  /** Endpoints; the main engine when absent. */
  engines?: readonly string[];
  /** More environment (HANDOFF_WARM_POOL_SIZE, limits, …). */
  env?: Record<string, string>;
}

/** Starts runtime-api with the docker provider and waits until it has adopted what its owner id left. */
export async function startDockerRuntime(options: DockerRuntimeOptions): Promise<DockerRuntime> {
  const apiKey = randomBytes(24).toString('base64url');
  const ownerId = `test-${randomBytes(6).toString('hex')}`;
  const engines = options.engines ?? [MAIN_ENGINE_HOST];
  const env = {
    HANDOFF_RUNTIME_API_KEY: apiKey,
    HANDOFF_RUNTIME_PORT: '0',
    HANDOFF_PROVIDER: 'docker',
    HANDOFF_DOCKER_HOSTS: engines.join(','),
    HANDOFF_SANDBOX_IMAGE: options.image,
    HANDOFF_RUNTIME_ID: ownerId,
    HANDOFF_DOCKER_LABELS: TEST_LABEL,
    HANDOFF_WARM_POOL_SIZE: '0',
    ...options.env,
  };
  let service = await startService(BUNDLES.runtimeApi, env, 60_000);
  const call = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { [RUNTIME_API_KEY_HEADER]: apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    apiKey,
    ownerId,
    engines,
    get service() {
      return service;
    },
    get url() {
      return service.url;
    },
    call,
    start: async (request = {}) => {
      const response = await call('POST', '/start', request);
      const text = await response.text();
      if (!response.ok) throw new Error(`POST /start answered ${String(response.status)}: ${text}`);
      return SandboxInfoSchema.parse(JSON.parse(text));
    },
    restart: async () => {
      service.process.kill('SIGKILL');
      await service.stop();
      service = await startService(BUNDLES.runtimeApi, env, 60_000);
    },
    close: async () => {
      await service.stop();
      for (const host of engines) await removeOwnedObjects(host, ownerId);
    },
  };
}

/** Removes the containers and volumes labelled with `ownerId` on one engine. */
export async function removeOwnedObjects(host: string, ownerId: string): Promise<void> {
  const filter = ['--filter', `label=handoff.owner=${ownerId}`];
  const containers = (await docker(['ps', '--all', '--quiet', ...filter], { host })).stdout
    .split('\n')
    .filter(Boolean);
  if (containers.length > 0) await docker(['rm', '--force', ...containers], { host });
  const volumes = (await docker(['volume', 'ls', '--quiet', ...filter], { host })).stdout
    .split('\n')
    .filter(Boolean);
  if (volumes.length > 0) await docker(['volume', 'rm', '--force', ...volumes], { host });
}

/** The gateway address of a Docker network: this machine as that network's containers reach it. */
export async function networkGateway(network: string, host?: string): Promise<string> {
  const result = await docker(
    ['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', network],
    {
      host,
    },
  );
  const gateway = result.stdout.trim();
  if (result.code !== 0 || gateway === '')
    throw new Error(`No gateway for network ${network}: ${result.stderr}`);
  return gateway;
}

/** A scripted LLM server that the provider's sandboxes (network `handoff-egress`) reach. */
export interface SandboxLlm {
  readonly server: ScriptedLlmServer;
  /** The OpenAI base URL (`…/v1`) to put in a conversation's LlmConfig. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts a scripted LLM server on loopback and a relay to it on the egress network's gateway of `host`. */
export async function startSandboxLlm(
  script: readonly ScriptedLlmTurn[],
  host?: string,
): Promise<SandboxLlm> {
  const server = await startScriptedLlmServer(script);
  const relay = await startRelay(
    await networkGateway('handoff-egress', host),
    Number(new URL(server.url).port),
  );
  return {
    server,
    baseUrl: `${relay.url}/v1`,
    close: async () => {
      await relay.close();
      await server.close();
    },
  };
}
