import { ConversationInfoSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type {
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
    const path = `${conversationPath(conversationId)}/interrupt`;
    await requestVoid(this.options, {
      method: 'POST',
      path,
      headers: this.headers(),
      what: 'Interrupting the agent',
    });
  }

  private headers(): Record<string, string> {
    return { [SESSION_API_KEY_HEADER]: this.options.sessionApiKey };
  }
}

function conversationPath(conversationId: ConversationId): string {
  return `/api/conversations/${encodeURIComponent(conversationId)}`;
}
