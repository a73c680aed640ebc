import type { SandboxId, SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import type { Logger } from '../../log';
import type { SandboxProvider } from '../sandbox-provider';
/** What the process provider needs; `create-provider.ts` fills it from the config. */
export interface ProcessSandboxProviderOptions {
  /** Each sandbox gets `<sandboxRoot>/<id>/` with `workspace/` and `state/`. */
  sandboxRoot: string;
  /** Script run as the action server (`sandbox/dist/main.js`). */
  actionServerEntry: string;
  /** Script run as the agent server (`agent-server/dist/main.js`). */
  agentServerEntry: string;
  /** At most this many sandboxes start or run at once; more is `pool_exhausted`. */
  maxSandboxes: number;
  /** A start fails when both services are not ready within this time. */
  startTimeoutMs: number;
  /** The only variables of runtime-api's environment that sandboxes see (PATH, LANG). */
  inheritedEnv?: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when stopping; 5 s by default. */
  stopGraceMs?: number;
  logger: Logger;
}
/**
 * Runs each sandbox as two local child processes (action server, then agent server) in its own
 * folder. It does NOT isolate: a sandbox can read and write whatever the runtime-api user can.
 */
export declare class ProcessSandboxProvider implements SandboxProvider {
  private readonly options;
  readonly type = 'process';
  readonly persistent = false;
  private readonly agents;
  private readonly sandboxes;
  private readonly stopGraceMs;
  private closed;
  constructor(options: ProcessSandboxProviderOptions);
  /** Nothing outlives a process provider, so there is nothing to adopt. */
  init(): Promise<void>;
  start(request: StartSandboxRequest): Promise<SandboxInfo>;
  /** Gives a running warm member the caller's labels and environment (through its agent server). */
  claim(id: SandboxId, request: StartSandboxRequest): Promise<SandboxInfo>;
  stop(id: SandboxId): Promise<void>;
  /** SIGSTOP to both services' process groups; the folder and the agent server's state stay as they are. */
  pause(id: SandboxId): Promise<SandboxInfo>;
  /** SIGCONT to both services' process groups. */
  resume(id: SandboxId): Promise<SandboxInfo>;
  get(id: SandboxId): Promise<SandboxInfo | undefined>;
  list(): Promise<SandboxInfo[]>;
  close(): Promise<void>;
  private freeze;
  private register;
  /** Creates the folder, then starts the action server and the agent server, each once the one before is ready. */
  private launch;
  private spawn;
  /** A service of a running sandbox died: the sandbox is broken, so its partner goes too. */
  private onServiceExit;
  /** Stops the services and removes the folder; idempotent, and waits for a start in progress to unwind. */
  private teardown;
  private readonly killAllNow;
}
