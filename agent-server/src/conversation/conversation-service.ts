import { randomUUID } from 'node:crypto';
import type {
  ConversationInfo,
  ConversationList,
  CreateConversationRequest,
  Event,
  EventsPage,
  EventsPageQuery,
} from '@handoff/protocol';
import { ConversationIdSchema } from '@handoff/protocol';
import type { AgentRunner } from '../agent/agent-context';
import { DEFAULT_MAX_ITERATIONS, runAgent } from '../agent/agent-loop';
import { buildSystemPrompt } from '../agent/prompt';
import { conversationNotFound } from '../errors';
import type { LlmClient, LlmToolDefinition } from '../llm/llm-client';
import { MissingApiKeyLlmClient } from '../llm/llm-client';
import type { LlmRoute } from '../llm/llm-route';
import { resolveLlmRoute } from '../llm/llm-route';
import type { Logger } from '../logger';
import type { SandboxClient } from '../sandbox/sandbox-client';
import { toolDefinitions } from '../tools/tools';
import { Conversation } from './conversation';
import type { StoredConversation } from './conversation-store';
import { ConversationStore } from './conversation-store';
import type { EventListener } from './event-bus';
import { EventBus } from './event-bus';
import { EventLog } from './event-log';

/** Builds the LLM client of a conversation from its route (which holds the key). */
export type LlmClientFactory = (route: LlmRoute) => LlmClient;

/** What the {@link ConversationService} is built from. */
export interface ConversationServiceOptions {
  /** Folder that keeps conversations and their event logs. */
  stateDir: string;
  /** The workspace the agent works in (named in the system prompt and the editor's tool). */
  workspace: string;
  sandbox: SandboxClient;
  llmClientFactory: LlmClientFactory;
  logger: Logger;
  /** Pub/sub for live events; one is made when absent. */
  bus?: EventBus;
  /** The agent loop (tests may pass another). */
  runAgent?: AgentRunner;
}

/**
 * Creates, loads and drives conversations. Knows nothing of HTTP or sockets: it takes typed
 * input and throws `AgentServerError` for what a caller got wrong.
 */
export class ConversationService {
  readonly #options: ConversationServiceOptions;
  readonly #store: ConversationStore;
  readonly #bus: EventBus;
  readonly #conversations = new Map<string, Conversation>();
  readonly #systemPrompt: string;
  readonly #tools: readonly LlmToolDefinition[];

  private constructor(options: ConversationServiceOptions) {
    this.#options = options;
    this.#store = new ConversationStore(options.stateDir);
    this.#bus = options.bus ?? new EventBus({ logger: options.logger });
    this.#systemPrompt = buildSystemPrompt({ workspace: options.workspace });
    this.#tools = toolDefinitions({ workspace: options.workspace });
  }

  /** Opens the service and loads every conversation kept in the state folder. */
  static async open(options: ConversationServiceOptions): Promise<ConversationService> {
    const service = new ConversationService(options);
    await service.#loadAll();
    return service;
  }

  /** Creates a conversation; when `initialMessage` is given the agent starts on it at once. */
  async create(request: CreateConversationRequest): Promise<ConversationInfo> {
    const route = resolveLlmRoute(request.llm);
    const stored: StoredConversation = {
      id: randomUUID(),
      model: request.llm.model,
      ...(request.llm.baseUrl === undefined ? {} : { baseUrl: request.llm.baseUrl }),
      hasApiKey: request.llm.apiKey !== undefined,
      maxIterations: request.maxIterations ?? DEFAULT_MAX_ITERATIONS,
      createdAt: new Date().toISOString(),
    };
    const llm = this.#options.llmClientFactory(route);
    await this.#store.save(stored);
    const conversation = await this.#openConversation(stored, llm);
    this.#options.logger.info('Conversation created', { conversationId: stored.id, model: stored.model });
    if (request.initialMessage !== undefined) await conversation.sendMessage(request.initialMessage);
    return conversation.info();
  }

  /** A conversation's info; throws `conversation_not_found`. */
  get(id: string): ConversationInfo {
    return this.#find(id).info();
  }

  /** Every conversation, newest first. */
  list(): ConversationList {
    const items = [...this.#conversations.values()].map((c) => c.info());
    items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { items };
  }

  /** Whether the id names a conversation here. */
  has(id: string): boolean {
    return this.#conversations.has(id);
  }

  /** Appends a user message; the agent runs it now, or at its next step when already running. */
  async sendMessage(id: string, text: string): Promise<ConversationInfo> {
    const conversation = this.#find(id);
    await conversation.sendMessage(text);
    return conversation.info();
  }

  /** Stops the running step (state `paused`); a no-op when the agent is not running. */
  async interrupt(id: string): Promise<ConversationInfo> {
    const conversation = this.#find(id);
    await conversation.interrupt();
    return conversation.info();
  }

  /** A page of a conversation's events. */
  readEvents(id: string, query: EventsPageQuery): EventsPage {
    return this.#find(id).log.read(query.afterSeq, query.limit, { type: query.type, source: query.source });
  }

  /** The highest `seq` of a conversation. */
  lastSeq(id: string): number {
    return this.#find(id).log.lastSeq;
  }

  /** Receives a conversation's events as they are appended; returns the unsubscribe function. */
  subscribe(id: string, listener: EventListener): () => void {
    this.#find(id);
    return this.#bus.subscribe(id, listener);
  }

  /** Resolves when no agent run is in flight in any conversation (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.#conversations.values()].map((c) => c.idle()));
  }

  /** Aborts every run and waits for each to record how it ended. */
  async close(): Promise<void> {
    await Promise.all([...this.#conversations.values()].map((c) => c.shutdown()));
  }

  #find(id: string): Conversation {
    const conversation = this.#conversations.get(id);
    if (conversation !== undefined) return conversation;
    throw conversationNotFound(ConversationIdSchema.safeParse(id).success ? id : undefined);
  }

  async #openConversation(stored: StoredConversation, llm: LlmClient): Promise<Conversation> {
    // The log exists before the conversation that observes it; appends only start afterwards.
    const ref: { conversation?: Conversation } = {};
    const log = await EventLog.open({
      file: this.#store.eventLogFile(stored.id),
      onAppend: (event: Event) => {
        ref.conversation?.observe(event);
        this.#bus.publish(stored.id, event);
      },
    });
    const { sandbox, logger } = this.#options;
    const conversation = new Conversation({
      stored,
      log,
      llm,
      sandbox,
      systemPrompt: this.#systemPrompt,
      tools: this.#tools,
      runAgent: this.#options.runAgent ?? runAgent,
      logger,
    });
    ref.conversation = conversation;
    this.#conversations.set(stored.id, conversation);
    return conversation;
  }

  async #loadAll(): Promise<void> {
    const { logger } = this.#options;
    const { conversations, unreadable } = await this.#store.loadAll();
    for (const bad of unreadable) logger.warn('Skipped an unreadable conversation folder', { ...bad });
    for (const stored of conversations) {
      try {
        const conversation = await this.#openConversation(stored, this.#reloadedLlmClient(stored));
        await conversation.recover();
      } catch (error) {
        this.#conversations.delete(stored.id);
        logger.error('Could not load a conversation', { conversationId: stored.id, error });
      }
    }
    logger.info('Conversations loaded', { count: this.#conversations.size });
  }

  #reloadedLlmClient(stored: StoredConversation): LlmClient {
    if (stored.hasApiKey) return new MissingApiKeyLlmClient();
    return this.#options.llmClientFactory(
      resolveLlmRoute({
        model: stored.model,
        ...(stored.baseUrl === undefined ? {} : { baseUrl: stored.baseUrl }),
      }),
    );
  }
}
