import { SandboxActivitySchema, SetEnvironmentResponseSchema } from '@handoff/protocol';
import type { SandboxActivity, SandboxInfo } from '@handoff/protocol';
import { RuntimeApiError } from '../errors';

/** How long runtime-api waits for a sandbox's agent server to answer one of its own calls. */
const CALL_TIMEOUT_MS = 5000;

/** The agent-server calls runtime-api makes itself: claim-time environment, and activity for idleness. */
export class AgentServerClient {
  constructor(private readonly timeoutMs = CALL_TIMEOUT_MS) {}

  /** Hands a claimed sandbox its session's environment (secrets); the values never come back. */
  async setEnvironment(info: SandboxInfo, environment: Record<string, string>): Promise<void> {
    const response = await this.call(info, 'PUT', '/api/sandbox/environment', { environment });
    SetEnvironmentResponseSchema.parse(await response.json());
  }

  /** Open sockets, running conversations and the last activity of a sandbox. */
  async activity(info: SandboxInfo): Promise<SandboxActivity> {
    const response = await this.call(info, 'GET', '/api/sandbox/activity');
    return SandboxActivitySchema.parse(await response.json());
  }

  private async call(info: SandboxInfo, method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, info.agentServerUrl), {
        method,
        headers: {
          'x-session-api-key': info.sessionApiKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RuntimeApiError(
        'sandbox_unavailable',
        `Sandbox ${info.id}'s agent server did not answer ${method} ${path}.`,
        { cause: error, details: { sandboxId: info.id } },
      );
    }
    if (!response.ok) {
      const text = (await response.text()).slice(0, 500);
      throw new RuntimeApiError(
        'sandbox_unavailable',
        `Sandbox ${info.id}'s agent server refused ${method} ${path} (${response.status}): ${text}`,
        { details: { sandboxId: info.id, status: response.status } },
      );
    }
    return response;
  }
}
