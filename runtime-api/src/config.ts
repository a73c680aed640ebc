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

/** Runs each sandbox in a container; not available yet. */
export interface DockerProviderConfig {
  type: 'docker';
  maxSandboxes: number;
  startTimeoutMs: number;
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
      ? { type: 'docker', maxSandboxes, startTimeoutMs }
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

function pickInherited(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of INHERITED_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}
