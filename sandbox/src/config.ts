import { realpathSync, statSync } from 'node:fs';
import { z } from 'zod';

const PORT_PATTERN = /^\d{1,5}$/;

/** The action server's environment variables (docs/architecture.md, "How a sandbox is wired"). */
const EnvSchema = z.object({
  HANDOFF_SESSION_API_KEY: z
    .string({ error: 'is required' })
    .min(16, { error: 'must be at least 16 characters' }),
  HANDOFF_HOST: z.string().min(1, { error: 'must not be empty' }).default('127.0.0.1'),
  HANDOFF_PORT: z
    .string()
    .regex(PORT_PATTERN, { error: 'must be a port number (0 picks a free one)' })
    .default('0')
    .transform(Number)
    .pipe(z.number().max(65535, { error: 'must be at most 65535' })),
  HANDOFF_WORKSPACE: z
    .string({ error: 'is required' })
    .min(1, { error: 'must not be empty' })
    .transform((value, ctx) => {
      const real = existingDirectory(value);
      if (real === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be an existing directory (got "${value}")` });
        return z.NEVER;
      }
      return real;
    }),
});

/** The action server's configuration, parsed once at start. */
export interface SandboxConfig {
  /** The sandbox's session key; required on every route but `GET /alive`. */
  sessionApiKey: string;
  /** Bind address. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** The workspace folder, as a real (symlink-free) absolute path. */
  workspace: string;
}

/** The outcome of `parseConfig`: the config, or a message that names every bad variable. */
export type ConfigResult = { ok: true; config: SandboxConfig } | { ok: false; message: string };

/**
 * Parses the environment. Never echoes a variable's value except the workspace path, so the
 * session key cannot leak into a log.
 */
export function parseConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.')} ${issue.message}`,
    );
    return { ok: false, message: `Invalid action server configuration: ${problems.join('; ')}.` };
  }
  const data = parsed.data;
  return {
    ok: true,
    config: {
      sessionApiKey: data.HANDOFF_SESSION_API_KEY,
      host: data.HANDOFF_HOST,
      port: data.HANDOFF_PORT,
      workspace: data.HANDOFF_WORKSPACE,
    },
  };
}

function existingDirectory(value: string): string | undefined {
  try {
    const real = realpathSync(value);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}
