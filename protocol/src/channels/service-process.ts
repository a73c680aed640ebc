import { z } from 'zod';

/**
 * The one line a Handoff service writes to stdout once it listens, before anything else:
 * `{"type":"ready","port":n}`. Launchers wait on it instead of polling.
 */
export const ReadyLineSchema = z
  .object({
    type: z.literal('ready'),
    /** The TCP port the service listens on. */
    port: z.number().int().min(1).max(65535),
  })
  .strict();
/** A ready line. */
export type ReadyLine = z.infer<typeof ReadyLineSchema>;

/** Environment variables through which a launcher configures a sandbox's two services. */
export const SandboxEnv = {
  /** The sandbox's session key (both services). */
  SESSION_API_KEY: 'HANDOFF_SESSION_API_KEY',
  /** Bind address (both services); default 127.0.0.1. */
  HOST: 'HANDOFF_HOST',
  /** Port (both services); 0 picks a free one. */
  PORT: 'HANDOFF_PORT',
  /** The workspace folder (both services). */
  WORKSPACE: 'HANDOFF_WORKSPACE',
  /**
   * Agent server only: the key it sends to the action server, when that one has its own key (the
   * docker provider's two-container sandbox). Default: the session key.
   */
  ACTION_SERVER_API_KEY: 'HANDOFF_ACTION_SERVER_API_KEY',
  /** Base URL of the action server (agent server only). */
  ACTION_SERVER_URL: 'HANDOFF_ACTION_SERVER_URL',
  /** Where conversations are kept (agent server only). */
  STATE_DIR: 'HANDOFF_STATE_DIR',
  /**
   * Action server only: run commands (and own edited files) as this unprivileged user, which
   * needs the action server to run as root. Unset: commands run as the server's own user.
   */
  COMMAND_USER: 'HANDOFF_COMMAND_USER',
  /**
   * Both services: `1` makes the end of stdin mean "the launcher died": the service shuts down
   * as on SIGTERM, so a launcher killed with SIGKILL leaves no orphan behind.
   */
  EXIT_WITH_LAUNCHER: 'HANDOFF_EXIT_WITH_LAUNCHER',
} as const;
