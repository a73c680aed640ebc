import {
  ConversationInfoSchema,
  PROTOCOL_VERSION,
  RUNTIME_API_KEY_HEADER,
  SandboxInfoSchema,
  ServerFrameSchema,
  SESSION_API_KEY_HEADER,
  eventSocketPath,
  type ConversationInfo,
  type CreateConversationRequest,
  type Event,
  type SandboxInfo,
  type ServerFrame,
  type StartSandboxRequest,
} from '@handoff/protocol';
import WebSocket from 'ws';

async function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} failed with ${String(response.status)}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Starts a sandbox through runtime-api. */
export async function startSandbox(
  runtimeUrl: string,
  apiKey: string,
  request: StartSandboxRequest = {},
): Promise<SandboxInfo> {
  const response = await postJson(`${runtimeUrl}/start`, { [RUNTIME_API_KEY_HEADER]: apiKey }, request);
  return SandboxInfoSchema.parse(await expectOk(response, 'POST /start'));
}

/** Stops a sandbox through runtime-api. */
export async function stopSandbox(runtimeUrl: string, apiKey: string, id: string): Promise<void> {
  await expectOk(
    await postJson(`${runtimeUrl}/stop`, { [RUNTIME_API_KEY_HEADER]: apiKey }, { id }),
    'POST /stop',
  );
}

/** Creates a conversation on a sandbox's agent server. */
export async function createConversation(
  sandbox: AgentEndpoint,
  request: CreateConversationRequest,
): Promise<ConversationInfo> {
  const response = await postJson(
    `${sandbox.agentServerUrl}/api/conversations`,
    { [SESSION_API_KEY_HEADER]: sandbox.sessionApiKey },
    request,
  );
  return ConversationInfoSchema.parse(await expectOk(response, 'POST /api/conversations'));
}

/** A WebSocket to a conversation's event stream that records every server frame. */
export class EventStream {
  readonly frames: ServerFrame[] = [];
  readonly socket: WebSocket;
  private waiters: (() => void)[] = [];
  closeCode: number | undefined;

  constructor(agentServerUrl: string, conversationId: string, sessionApiKey: string, afterSeq?: number) {
    const url = agentServerUrl.replace(/^http/, 'ws') + eventSocketPath(conversationId);
    this.socket = new WebSocket(url, { headers: { [SESSION_API_KEY_HEADER]: sessionApiKey } });
    this.socket.on('open', () => {
      this.socket.send(
        JSON.stringify({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          ...(afterSeq === undefined ? {} : { afterSeq }),
        }),
      );
    });
    this.socket.on('message', (data: Buffer) => {
      this.frames.push(ServerFrameSchema.parse(JSON.parse(data.toString('utf8'))));
      this.notify();
    });
    this.socket.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  /** Events received so far, in arrival order. */
  get events(): Event[] {
    return this.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
  }

  /** Resolves once `predicate` holds over what arrived, or rejects after `timeoutMs`. */
  async until(predicate: (stream: EventStream) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out; got ${JSON.stringify(this.events.map((e) => [e.seq, e.type]))}, close ${String(this.closeCode)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) =>
      this.socket.once('close', () => {
        resolve();
      }),
    );
    this.socket.close(1000);
    await closed;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** True once the stream saw the agent reach `state`. */
export function reachedState(state: string): (stream: EventStream) => boolean {
  return (stream) => stream.events.some((e) => e.type === 'agent_state_changed' && e.state === state);
}

/** Where a sandbox's agent server is and its key: all a conversation client needs. */
export type AgentEndpoint = Pick<SandboxInfo, 'agentServerUrl' | 'sessionApiKey'>;

/**
 * Creates a conversation (its `initialMessage` starts the agent), follows its stream from the
 * start until the agent reaches `state`, and returns the closed stream with everything it saw.
 */
export async function runConversation(
  sandbox: AgentEndpoint,
  request: CreateConversationRequest,
  state = 'finished',
): Promise<{ conversation: ConversationInfo; stream: EventStream }> {
  const conversation = await createConversation(sandbox, request);
  const stream = new EventStream(sandbox.agentServerUrl, conversation.id, sandbox.sessionApiKey);
  await stream.until(reachedState(state));
  await stream.close();
  return { conversation, stream };
}
