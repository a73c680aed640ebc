import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Thrown at startup when the environment does not describe a configuration runtime-api can run. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Runs sandboxes as local child processes; no isolation from the host. */
export interface ProcessProviderConfig {
  type: 'process';
  /** Each sandbox gets `<sandboxRoot>/<id>/` with `workspace/` and `state/`. */
  sandboxRoot: string;
  /** The bundled action server (`sandbox/dist/main.js`). */
  actionServerEntry: string;
  /** The bundled agent server (`agent-server/dist/main.js`). */
  agentServerEntry: string;
  maxSandboxes: number;
  startTimeoutMs: number;
  /** The few variables of runtime-api's own environment that sandboxes inherit (PATH, LANG). */
  inheritedEnv: Record<string, string>;
}

/** Default limits of a docker sandbox (a start request may set its own). */
export interface DockerResourceDefaults {
  cpus: number;
  memoryMb: number;
  pidsLimit: number;
}

/** Runs each sandbox as two hardened containers on one of several Docker engines. */
export interface DockerProviderConfig {
  type: 'docker';
  /** Docker endpoints (`unix:///var/run/docker.sock`, `tcp://host:2375`); sandboxes go to the least loaded healthy one. */
  engines: string[];
  /** The sandbox image when a request names none. */
  image: string;
  /** Sandboxes runtime-api may hold at once (pool members included). */
  maxSandboxes: number;
  /** Claimed sandboxes running at once; beyond it the least recently active idle one is paused. */
  maxRunning: number;
  startTimeoutMs: number;
  /** A running sandbox with no client and no agent at work for this long is paused; `0` never. */
  idlePauseMs: number;
  /** A sandbox paused (or broken) for this long is removed: its owner is gone; `0` never. */
  reapAfterMs: number;
  /** How often idleness, the running cap and reaping are checked. */
  lifecycleIntervalMs: number;
  /** This runtime-api's name in the `handoff.owner` label: it adopts only its own sandboxes after a restart. */
  ownerId: string;
  resources: DockerResourceDefaults;
  /** Extra labels on every container and volume (e.g. for cleanup tooling). */
  extraLabels: Record<string, string>;
}

/** The sandbox backend, discriminated by `type` (one variant per provider, after SWE-ReX `config.py`). */
export type ProviderConfig = ProcessProviderConfig | DockerProviderConfig;

/** Everything runtime-api reads from its environment. */
export interface RuntimeApiConfig {
  /** `X-API-Key` callers must send; `undefined` when unset (main then generates one). */
  apiKey: string | undefined;
  host: string;
  port: number;
  provider: ProviderConfig;
  /** Ready sandboxes kept per profile (`HANDOFF_WARM_POOL_SIZE`, default 1); `0` disables the pool. */
  warmPoolSize: number;
}

/** Sandboxes see these of runtime-api's variables and nothing else of its environment. */
const INHERITED_ENV_NAMES = ['PATH', 'LANG', 'SystemRoot'] as const;

// An empty variable (`FOO=`) means "unset", as most shells and .env files intend.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const EnvSchema = z.object({
  HANDOFF_RUNTIME_API_KEY: optional(z.string()),
  HANDOFF_RUNTIME_HOST: optional(z.string()),
  HANDOFF_RUNTIME_PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HANDOFF_PROVIDER: optional(z.enum(['process', 'docker'])),
  HANDOFF_SANDBOX_ROOT: optional(z.string()),
  HANDOFF_ACTION_SERVER_ENTRY: optional(z.string()),
  HANDOFF_AGENT_SERVER_ENTRY: optional(z.string()),
  HANDOFF_MAX_SANDBOXES: optional(z.coerce.number().int().positive()),
  HANDOFF_SANDBOX_START_TIMEOUT_MS: optional(z.coerce.number().int().positive()),
  HANDOFF_WARM_POOL_SIZE: optional(z.coerce.number().int().min(0).max(64)),
  DOCKER_HOST: optional(z.string()),
  HANDOFF_DOCKER_HOSTS: optional(z.string()),
  HANDOFF_SANDBOX_IMAGE: optional(z.string()),
  HANDOFF_MAX_RUNNING: optional(z.coerce.number().int().positive()),
  HANDOFF_IDLE_PAUSE_MS: optional(z.coerce.number().int().min(0)),
  HANDOFF_REAP_AFTER_MS: optional(z.coerce.number().int().min(0)),
  HANDOFF_LIFECYCLE_INTERVAL_MS: optional(z.coerce.number().int().min(100)),
  HANDOFF_RUNTIME_ID: optional(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/)),
  HANDOFF_SANDBOX_CPUS: optional(z.coerce.number().min(0.1).max(64)),
  HANDOFF_SANDBOX_MEMORY_MB: optional(z.coerce.number().int().min(256)),
  HANDOFF_SANDBOX_PIDS_LIMIT: optional(z.coerce.number().int().min(64)),
  HANDOFF_DOCKER_LABELS: optional(z.string().regex(/^[a-z0-9._-]+=[^,]*(,[a-z0-9._-]+=[^,]*)*$/)),
});

/** Where defaults are resolved from; both `src/config.ts` and the bundle `dist/main.js` sit one level below `runtime-api/`. */
export interface ConfigDefaults {
  /** URL of the running module (`import.meta.url`). */
  moduleUrl?: string;
  /** The OS temporary folder. */
  tmpdir?: string;
}

/** Parses runtime-api's environment once, at startup. Throws {@link ConfigError} naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: ConfigDefaults = {}): RuntimeApiConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid runtime-api environment:\n  ${problems.join('\n  ')}`);
  }
  const vars = parsed.data;
  const moduleDir = path.dirname(fileURLToPath(defaults.moduleUrl ?? import.meta.url));
  const maxSandboxes = vars.HANDOFF_MAX_SANDBOXES ?? 8;
  const startTimeoutMs = vars.HANDOFF_SANDBOX_START_TIMEOUT_MS ?? 30_000;
  const provider: ProviderConfig =
    vars.HANDOFF_PROVIDER === 'docker'
      ? dockerConfig(vars, maxSandboxes, startTimeoutMs)
      : {
          type: 'process',
          sandboxRoot: path.resolve(
            vars.HANDOFF_SANDBOX_ROOT ?? path.join(defaults.tmpdir ?? tmpdir(), 'handoff-sandboxes'),
          ),
          actionServerEntry: path.resolve(
            vars.HANDOFF_ACTION_SERVER_ENTRY ?? path.join(moduleDir, '../../sandbox/dist/main.js'),
          ),
          agentServerEntry: path.resolve(
            vars.HANDOFF_AGENT_SERVER_ENTRY ?? path.join(moduleDir, '../../agent-server/dist/main.js'),
          ),
          maxSandboxes,
          startTimeoutMs,
          inheritedEnv: pickInherited(env),
        };
  return {
    apiKey: vars.HANDOFF_RUNTIME_API_KEY,
    host: vars.HANDOFF_RUNTIME_HOST ?? '127.0.0.1',
    port: vars.HANDOFF_RUNTIME_PORT ?? 3000,
    provider,
    warmPoolSize: vars.HANDOFF_WARM_POOL_SIZE ?? 1,
  };
}

const MINUTE = 60_000;

function dockerConfig(
  vars: z.infer<typeof EnvSchema>,
  maxSandboxes: number,
  startTimeoutMs: number,
): DockerProviderConfig {
  const engines = (vars.HANDOFF_DOCKER_HOSTS ?? vars.DOCKER_HOST ?? 'unix:///var/run/docker.sock')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
  for (const host of engines)
    if (!/^(unix|tcp|http|https):\/\//.test(host))
      throw new ConfigError(
        `Invalid runtime-api environment:\n  HANDOFF_DOCKER_HOSTS: "${host}" is not a Docker endpoint; use unix:///path/docker.sock or tcp://host:port`,
      );
  return {
    type: 'docker',
    engines,
    image: vars.HANDOFF_SANDBOX_IMAGE ?? 'handoff/sandbox:latest',
    maxSandboxes,
    maxRunning: vars.HANDOFF_MAX_RUNNING ?? maxSandboxes,
    startTimeoutMs,
    idlePauseMs: vars.HANDOFF_IDLE_PAUSE_MS ?? 15 * MINUTE,
    reapAfterMs: vars.HANDOFF_REAP_AFTER_MS ?? 24 * 60 * MINUTE,
    lifecycleIntervalMs: vars.HANDOFF_LIFECYCLE_INTERVAL_MS ?? 30_000,
    ownerId: vars.HANDOFF_RUNTIME_ID ?? 'default',
    resources: {
      cpus: vars.HANDOFF_SANDBOX_CPUS ?? 2,
      memoryMb: vars.HANDOFF_SANDBOX_MEMORY_MB ?? 4096,
      pidsLimit: vars.HANDOFF_SANDBOX_PIDS_LIMIT ?? 1024,
    },
    extraLabels: Object.fromEntries(
      (vars.HANDOFF_DOCKER_LABELS ?? '')
        .split(',')
        .filter((pair) => pair !== '')
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
  };
}

function pickInherited(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of INHERITED_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}
