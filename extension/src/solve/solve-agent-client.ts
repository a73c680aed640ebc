/**
 * @module The agent server's routes the solve flow uses beyond the chat's: git in the sandbox
 * (`/api/git/*`) and reading the workspace's AGENTS.md. Tokens travel in JSON bodies over the
 * sandbox's keyed connection, never in a URL.
 */
import {
  ConversationInfoSchema,
  ConversationListSchema,
  EventsPageSchema,
  GitChangesResponseSchema,
  GitCloneResponseSchema,
  GitPushResponseSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import type {
  ConversationId,
  ConversationInfo,
  Event,
  EventsPage,
  GitChangesResponse,
  GitCloneRequest,
  GitCloneResponse,
  GitPushRequest,
  GitPushResponse,
} from '@handoff/protocol';
import { HttpAgentClient } from '../agent/agent-http-client';
import type { AgentHttpClient } from '../agent/agent-http-client';
import { NotFoundError } from '../agent/errors';
import { requestJson } from '../agent/json-http';
import type { HttpClientOptions } from '../agent/json-http';
import { AgentFileClient } from '../mirror/agent-file-client';

/** What the solve flow asks of the agent server in its sandbox. */
export interface SolveAgentClient extends AgentHttpClient {
  clone(request: GitCloneRequest): Promise<GitCloneResponse>;
  changes(): Promise<GitChangesResponse>;
  push(request: GitPushRequest): Promise<GitPushResponse>;
  conversation(conversationId: ConversationId): Promise<ConversationInfo>;
  /** A workspace file's text; undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** The conversations on the agent server, newest first (the first page). */
  conversations(): Promise<ConversationInfo[]>;
  /** Every event of a conversation, in `seq` order. */
  events(conversationId: ConversationId): Promise<Event[]>;
}

/** Options of {@link HttpSolveAgentClient}. */
export interface HttpSolveAgentClientOptions extends HttpClientOptions {
  sessionApiKey: string;
}

/** Clone and push can take minutes on a big repository. */
const GIT_TIMEOUT_MS = 15 * 60_000;

/** {@link SolveAgentClient} over HTTP. */
export class HttpSolveAgentClient extends HttpAgentClient implements SolveAgentClient {
  constructor(private readonly http: HttpSolveAgentClientOptions) {
    super(http);
  }

  async clone(request: GitCloneRequest): Promise<GitCloneResponse> {
    return requestJson(
      { ...this.http, timeoutMs: GIT_TIMEOUT_MS },
      { method: 'POST', path: '/api/git/clone', headers: this.keyHeader(), body: request, what: 'Cloning the repository' },
      GitCloneResponseSchema,
    );
  }

  async changes(): Promise<GitChangesResponse> {
    return requestJson(
      { ...this.http, timeoutMs: GIT_TIMEOUT_MS },
      { method: 'GET', path: '/api/git/changes', headers: this.keyHeader(), what: "Reading the agent's changes" },
      GitChangesResponseSchema,
    );
  }

  async push(request: GitPushRequest): Promise<GitPushResponse> {
    return requestJson(
      { ...this.http, timeoutMs: GIT_TIMEOUT_MS },
      { method: 'POST', path: '/api/git/push', headers: this.keyHeader(), body: request, what: 'Pushing the branch' },
      GitPushResponseSchema,
    );
  }

  async conversation(conversationId: ConversationId): Promise<ConversationInfo> {
    return requestJson(
      this.http,
      {
        method: 'GET',
        path: `/api/conversations/${encodeURIComponent(conversationId)}`,
        headers: this.keyHeader(),
        what: 'Reading the conversation',
      },
      ConversationInfoSchema,
    );
  }

  async conversations(): Promise<ConversationInfo[]> {
    const list = await requestJson(
      this.http,
      { method: 'GET', path: '/api/conversations', headers: this.keyHeader(), what: 'Listing the conversations' },
      ConversationListSchema,
    );
    return list.items;
  }

  async events(conversationId: ConversationId): Promise<Event[]> {
    const events: Event[] = [];
    let afterSeq: number | undefined = 0;
    while (afterSeq !== undefined) {
      const page: EventsPage = await requestJson(
        this.http,
        {
          method: 'GET',
          path: `/api/conversations/${encodeURIComponent(conversationId)}/events?afterSeq=${String(afterSeq)}&limit=1000`,
          headers: this.keyHeader(),
          what: "Reading the conversation's events",
        },
        EventsPageSchema,
      );
      events.push(...page.items);
      afterSeq = page.nextAfterSeq;
    }
    return events;
  }

  async readFile(path: string): Promise<string | undefined> {
    const files = new AgentFileClient(
      { agentServerUrl: this.http.baseUrl, sessionApiKey: this.http.sessionApiKey },
      { timeoutMs: this.http.timeoutMs, fetch: this.http.fetch },
    );
    try {
      return new TextDecoder().decode((await files.read(path)).content);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private keyHeader(): Record<string, string> {
    return { [SESSION_API_KEY_HEADER]: this.http.sessionApiKey };
  }
}
