import type { SandboxActivity, SandboxInfo } from '@handoff/protocol';
/** The agent-server calls runtime-api makes itself: claim-time environment, and activity for idleness. */
export declare class AgentServerClient {
  private readonly timeoutMs;
  constructor(timeoutMs?: number);
  /** Hands a claimed sandbox its session's environment (secrets); the values never come back. */
  setEnvironment(info: SandboxInfo, environment: Record<string, string>): Promise<void>;
  /** Open sockets, running conversations and the last activity of a sandbox. */
  activity(info: SandboxInfo): Promise<SandboxActivity>;
  private call;
}
