import path from 'node:path';
import { SandboxEnv } from '@handoff/protocol';
import { z } from 'zod';

const MIN_SESSION_KEY_LENGTH = 16;

const EnvSchema = z.object({
  [SandboxEnv.SESSION_API_KEY]: z
    .string()
    .min(MIN_SESSION_KEY_LENGTH, `must be at least ${MIN_SESSION_KEY_LENGTH} characters`),
  [SandboxEnv.HOST]: z.string().min(1).default('127.0.0.1'),
  [SandboxEnv.PORT]: z.coerce.number().int().min(0).max(65535).default(0),
  [SandboxEnv.WORKSPACE]: z.string().min(1),
  [SandboxEnv.ACTION_SERVER_URL]: z.url({ protocol: /^https?$/ }),
  [SandboxEnv.ACTION_SERVER_API_KEY]: z
    .string()
    .min(MIN_SESSION_KEY_LENGTH, `must be at least ${MIN_SESSION_KEY_LENGTH} characters`)
    .optional(),
  [SandboxEnv.STATE_DIR]: z.string().min(1),
  LOG_JSON: z.enum(['0', '1', 'true', 'false', '']).optional(),
});

/** The agent server's configuration, read once from the environment at start. */
export interface AgentServerConfig {
  /** The sandbox's session key (`X-Session-API-Key`). */
  sessionApiKey: string;
  /** Bind address. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Absolute path of the workspace folder the agent works in. */
  workspace: string;
  /** Base URL of the sandbox's action server, without a trailing slash. */
  actionServerUrl: string;
  /**
   * The key sent to the action server, when it has its own (the docker provider's two-container
   * sandbox); the session key when absent.
   */
  actionServerApiKey?: string;
  /** Absolute path of the folder that keeps conversations and event logs. */
  stateDir: string;
  /** `LOG_JSON=1`: JSON log lines go to stdout (after the ready line) instead of stderr. */
  logJson?: boolean;
}

/** The outcome of {@link parseConfig}. */
export type ConfigResult = { ok: true; config: AgentServerConfig } | { ok: false; message: string };

/**
 * Reads the `HANDOFF_*` variables (docs/architecture.md). On failure the message names every
 * offending variable and why, never its value.
 */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
    );
    return { ok: false, message: `Invalid agent-server configuration: ${problems.join('; ')}` };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      sessionApiKey: e[SandboxEnv.SESSION_API_KEY],
      host: e[SandboxEnv.HOST],
      port: e[SandboxEnv.PORT],
      workspace: path.resolve(e[SandboxEnv.WORKSPACE]),
      actionServerUrl: e[SandboxEnv.ACTION_SERVER_URL].replace(/\/+$/, ''),
      actionServerApiKey: e[SandboxEnv.ACTION_SERVER_API_KEY] ?? e[SandboxEnv.SESSION_API_KEY],
      stateDir: path.resolve(e[SandboxEnv.STATE_DIR]),
      logJson: e.LOG_JSON === '1' || e.LOG_JSON === 'true',
    },
  };
}
