import { ConversationInfoSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type {
  ConfirmRequest,
  ConversationId,
  ConversationInfo,
  CreateConversationRequest,
  SendMessageRequest,
} from '@handoff/protocol';
import { requestJson, requestVoid } from './json-http';
import type { HttpClientOptions } from './json-http';

/** The agent server's REST routes the extension uses. */
export interface AgentHttpClient {
  /** Creates a conversation; with `initialMessage` the agent starts at once. */
  createConversation(request: CreateConversationRequest): Promise<ConversationInfo>;
  /** Sends a user message to a conversation. */
  sendMessage(conversationId: ConversationId, text: string): Promise<void>;
  /** Stops the agent's current step. */
  interrupt(conversationId: ConversationId): Promise<void>;
  /** Accepts or rejects the actions awaiting confirmation (409 `no_pending_confirmation` when none). */
  confirm(conversationId: ConversationId, request: ConfirmRequest): Promise<void>;
  /** Pauses the agent (`POST /pause`). */
  pause(conversationId: ConversationId): Promise<void>;
  /** Lets a paused agent continue (`POST /run`). */
  resume(conversationId: ConversationId): Promise<void>;
}

/** Options of {@link HttpAgentClient}. */
export interface HttpAgentClientOptions extends HttpClientOptions {
  /** The sandbox's session key; sent as the `X-Session-API-Key` header only. */
  sessionApiKey: string;
}

/** {@link AgentHttpClient} over fetch. */
export class HttpAgentClient implements AgentHttpClient {
  constructor(private readonly options: HttpAgentClientOptions) {}

  async createConversation(request: CreateConversationRequest): Promise<ConversationInfo> {
    return requestJson(
      this.options,
      {
        method: 'POST',
        path: '/api/conversations',
        headers: this.headers(),
        body: request,
        what: 'Creating the conversation',
      },
      ConversationInfoSchema,
    );
  }

  async sendMessage(conversationId: ConversationId, text: string): Promise<void> {
    const body: SendMessageRequest = { text };
    const path = `${conversationPath(conversationId)}/messages`;
    await requestVoid(this.options, {
      method: 'POST',
      path,
      headers: this.headers(),
      body,
      what: 'Sending the message',
    });
  }

  async interrupt(conversationId: ConversationId): Promise<void> {
    await this.post(conversationId, '/interrupt', 'Interrupting the agent');
  }

  async confirm(conversationId: ConversationId, request: ConfirmRequest): Promise<void> {
    const what = request.accept ? 'Accepting the actions' : 'Rejecting the actions';
    await this.post(conversationId, '/confirm', what, request);
  }

  async pause(conversationId: ConversationId): Promise<void> {
    await this.post(conversationId, '/pause', 'Pausing the agent');
  }

  async resume(conversationId: ConversationId): Promise<void> {
    await this.post(conversationId, '/run', 'Resuming the agent');
  }

  /** POSTs to a route of the conversation and ignores the answer's body. */
  private async post(
    conversationId: ConversationId,
    route: string,
    what: string,
    body?: unknown,
  ): Promise<void> {
    await requestVoid(this.options, {
      method: 'POST',
      path: `${conversationPath(conversationId)}${route}`,
      headers: this.headers(),
      ...(body === undefined ? {} : { body }),
      what,
    });
  }

  private headers(): Record<string, string> {
    return { [SESSION_API_KEY_HEADER]: this.options.sessionApiKey };
  }
}

function conversationPath(conversationId: ConversationId): string {
  return `/api/conversations/${encodeURIComponent(conversationId)}`;
}
