import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { CommandUser } from './actions/action-context';

const PORT_PATTERN = /^\d{1,5}$/;
const USER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/;

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
  HANDOFF_COMMAND_USER: z
    .string()
    .regex(USER_NAME_PATTERN, { error: 'must be a user name (letters, digits, "_", "-", ".")' })
    .optional(),
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
  /** The unprivileged user commands run as; absent: the server's own user. */
  commandUser?: CommandUser;
}

/** What the configuration is checked against: who runs the server, and the system's users. */
export interface ConfigHost {
  /** The server's user id; undefined where the platform has none. */
  uid(): number | undefined;
  /** The account named `name`, or undefined if there is none. */
  lookUpUser(name: string): CommandUser | undefined;
}

/** The real system: `process.getuid`, and `getent passwd` (or /etc/passwd where it is missing). */
export const systemHost: ConfigHost = {
  uid: () => process.getuid?.(),
  lookUpUser,
};

/** The outcome of `parseConfig`: the config, or a message that names every bad variable. */
export type ConfigResult = { ok: true; config: SandboxConfig } | { ok: false; message: string };

/**
 * Parses the environment. Never echoes a variable's value except the workspace path, so the
 * session key cannot leak into a log.
 */
export function parseConfig(env: NodeJS.ProcessEnv, host: ConfigHost = systemHost): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.')} ${issue.message}`,
    );
    return invalid(problems);
  }
  const data = parsed.data;
  const config: SandboxConfig = {
    sessionApiKey: data.HANDOFF_SESSION_API_KEY,
    host: data.HANDOFF_HOST,
    port: data.HANDOFF_PORT,
    workspace: data.HANDOFF_WORKSPACE,
  };
  if (data.HANDOFF_COMMAND_USER === undefined) return { ok: true, config };
  const user = resolveCommandUser(data.HANDOFF_COMMAND_USER, host);
  if (typeof user === 'string') return invalid([`HANDOFF_COMMAND_USER ${user}`]);
  return { ok: true, config: { ...config, commandUser: user } };
}

function invalid(problems: string[]): ConfigResult {
  return { ok: false, message: `Invalid action server configuration: ${problems.join('; ')}.` };
}

/** The command user, or what is wrong with it. Switching users takes root; being root is refused. */
function resolveCommandUser(name: string, host: ConfigHost): CommandUser | string {
  const uid = host.uid();
  if (uid !== 0) {
    return `needs the action server to run as root, to start commands as "${name}" (it runs as uid ${String(uid)})`;
  }
  const user = host.lookUpUser(name);
  if (user === undefined) return `names no user of this system ("${name}")`;
  if (user.uid === 0) return `must be an unprivileged user, not "${name}" (uid 0)`;
  return user;
}

/** Looks a user up with `getent passwd`, which sees every name service; /etc/passwd without it. */
function lookUpUser(name: string): CommandUser | undefined {
  const getent = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (getent.error === undefined) return parsePasswdLine(getent.stdout.split('\n')[0] ?? '', name);
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const user = parsePasswdLine(line, name);
    if (user !== undefined) return user;
  }
  return undefined;
}

/** `name:password:uid:gid:gecos:home:shell`, if the line is `name`'s. */
function parsePasswdLine(line: string, name: string): CommandUser | undefined {
  const fields = line.split(':');
  if (fields.length < 7 || fields[0] !== name) return undefined;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  const home = fields[5] ?? '';
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || home === '') return undefined;
  return { name, uid, gid, home };
}

function existingDirectory(value: string): string | undefined {
  try {
    const real = realpathSync(value);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}
