import type { SandboxInfo, SandboxNetwork } from '@handoff/protocol';
import type { Engine } from './engine';

/**
 * runtime-api's view of one docker sandbox: derived from Docker (labels, container states, the
 * agent container's environment) and rebuilt from it after a restart or an engine outage.
 */
export interface DockerSandbox {
  info: SandboxInfo;
  engine: Engine;
  network: SandboxNetwork;
  /** Container ids, once created. */
  containers: { tools?: string; agent?: string };
  /** The warm-pool profile while the sandbox waits for a claim. */
  pool: string | undefined;
  /** When runtime-api last saw a client or the agent at work (ms since epoch). */
  lastActiveAt: number;
  /** When it was paused or broke (ms since epoch); the reaper counts from here. */
  inactiveSince: number | undefined;
  /** Aborts a start in progress (stop, shutdown). */
  startAbort: AbortController | undefined;
  /** Set once a stop began; every later stop waits on it. */
  stopping: Promise<void> | undefined;
  /** Whether the agent server said, last time it was asked, that no client and no agent is at work. */
  idle?: boolean;
  /** True while runtime-api itself pauses or unpauses it (Docker's events for that are expected). */
  pausing: boolean;
}

/** A copy of the sandbox's info for callers. */
export function snapshot(sandbox: DockerSandbox): SandboxInfo {
  return { ...sandbox.info, labels: { ...sandbox.info.labels } };
}

/** Whether it is a claimed (user-visible) sandbox, not a warm-pool member. */
export function isClaimed(sandbox: DockerSandbox): boolean {
  return sandbox.pool === undefined;
}
