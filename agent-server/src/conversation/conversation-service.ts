import { randomUUID } from 'node:crypto';
import type {
  ConfirmRequest,
  ConfirmationPolicy,
  ConversationInfo,
  ConversationList,
  ConversationListQuery,
  CreateConversationRequest,
  Event,
  EventsPage,
  EventsPageQuery,
  LlmConfig,
} from '@handoff/protocol';
import { ConversationIdSchema, SocketCloseCode } from '@handoff/protocol';
import type { AgentRunner } from '../agent/agent-context';
import { DEFAULT_MAX_ITERATIONS, runAgent } from '../agent/agent-loop';
import { buildSystemPrompt } from '../agent/prompt';
import type { MaskedValues } from '../agent/secret-masker';
import { conversationNotFound } from '../errors';
import type { LlmClient, LlmToolDefinition } from '../llm/llm-client';
import type { Logger } from '../logger';
import { SecretRedactor } from '../logger';
import type { SandboxClient } from '../sandbox/sandbox-client';
import { toolDefinitions } from '../tools/tools';
import { Conversation } from './conversation';
import { pageConversations } from './conversation-list';
import type { StoredConversation } from './conversation-store';
import { ConversationSecretsSchema, ConversationStore } from './conversation-store';
import type { EventListener, Subscriber } from './event-bus';
import { EventBus } from './event-bus';
import { EventLog } from './event-log';
import { assertValidLlmConfig } from './llm-config-check';
import { KEY_LOST_MESSAGE, UnavailableLlmClient } from './lost-key-llm-client';
import { SecretBox } from './secret-box';

/** Builds the LLM client of a conversation from its config (which holds the key). */
export type LlmClientFactory = (config: LlmConfig) => LlmClient;

/** What the {@link ConversationService} is built from. */
export interface ConversationServiceOptions {
  /** Folder that keeps conversations and their event logs. */
  stateDir: string;
  /** The workspace the agent works in (named in the system prompt and the editor's tool). */
  workspace: string;
  /**
   * The sandbox's session key: LLM keys and secrets are sealed at rest with a key derived from
   * it. Without one a random key is used, so they do not survive a restart.
   */
  sessionApiKey?: string;
  sandbox: SandboxClient;
  llmClientFactory: LlmClientFactory;
  logger: Logger;
  /** Learns every key and secret so the logs mask them. */
  redactor?: SecretRedactor;
  /** Values every conversation masks besides its own secrets (tokens given to `/api/git`). */
  maskedValues?: MaskedValues;
  /** Pub/sub for live events; one is made when absent. */
  bus?: EventBus;
  /** The agent loop (tests and benchmarks may pass another). */
  runAgent?: AgentRunner;
  /** fdatasync each batch of events before publishing it (default true). */
  fsync?: boolean;
  /** Told of every agent step: each event appended and each streamed delta (sandbox activity). */
  onActivity?: () => void;
}

/** Default confirmation policy: never wait for the user. */
const DEFAULT_POLICY: ConfirmationPolicy = { type: 'never' };

/**
 * Creates, loads and drives conversations. Knows nothing of HTTP or sockets: it takes typed
 * input and throws `AgentServerError` for what a caller got wrong.
 */
export class ConversationService {
  readonly #options: ConversationServiceOptions;
  readonly #store: ConversationStore;
  readonly #bus: EventBus;
  readonly #box: SecretBox;
  readonly #redactor: SecretRedactor;
  readonly #conversations = new Map<string, Conversation>();
  readonly #systemPrompt: string;
  readonly #tools: readonly LlmToolDefinition[];

  private constructor(options: ConversationServiceOptions) {
    this.#options = options;
    this.#store = new ConversationStore(options.stateDir);
    this.#bus = options.bus ?? new EventBus({ logger: options.logger });
    this.#box = new SecretBox(options.sessionApiKey ?? randomUUID());
    this.#redactor = options.redactor ?? new SecretRedactor();
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
    assertValidLlmConfig(request.llm);
    const id = randomUUID();
    const { apiKey, ...llm } = request.llm;
    const secrets = request.secrets ?? {};
    this.#redactor.add(apiKey, ...Object.values(secrets));
    const sealable = apiKey !== undefined || Object.keys(secrets).length > 0;
    const stored: StoredConversation = {
      id,
      llm,
      ...(request.title === undefined ? {} : { title: request.title }),
      confirmationPolicy: request.confirmationPolicy ?? DEFAULT_POLICY,
      maxIterations: request.maxIterations ?? DEFAULT_MAX_ITERATIONS,
      ...(request.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: request.maxBudgetUsd }),
      ...(request.workspace === undefined ? {} : { workspace: request.workspace }),
      secretNames: Object.keys(secrets),
      ...(sealable ? { sealed: this.#box.seal({ apiKey, secrets }, id) } : {}),
      createdAt: new Date().toISOString(),
    };
    const client = this.#options.llmClientFactory(request.llm);
    await this.#store.save(stored);
    const conversation = await this.#openConversation(stored, client, secrets);
    this.#options.logger.info('Conversation created', { conversationId: id, model: llm.model });
    if (request.initialMessage !== undefined) await conversation.sendMessage(request.initialMessage);
    return conversation.info();
  }

  /** A conversation's info; throws `conversation_not_found`. */
  get(id: string): ConversationInfo {
    return this.#find(id).info();
  }

  /** A page of conversations, newest first, optionally only those in one state. */
  list(query: ConversationListQuery = { limit: 100 }): ConversationList {
    return pageConversations(
      [...this.#conversations.values()].map((c) => c.info()),
      query,
    );
  }

  /** Whether the id names a conversation here. */
  has(id: string): boolean {
    return this.#conversations.has(id);
  }

  /**
   * Deletes a conversation: aborts its run, ends its sockets (`CONVERSATION_DELETED`) and
   * removes its log and metadata from disk.
   */
  async delete(id: string): Promise<void> {
    const conversation = this.#find(id);
    this.#conversations.delete(id);
    await conversation.shutdown('The conversation was deleted.');
    this.#bus.end(id, {
      code: SocketCloseCode.CONVERSATION_DELETED,
      reason: 'The conversation was deleted.',
    });
    await this.#store.remove(id);
    this.#options.logger.info('Conversation deleted', { conversationId: id });
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

  /** Pauses the agent: the LLM call and command in flight are aborted, state `paused`. */
  async pause(id: string): Promise<ConversationInfo> {
    const conversation = this.#find(id);
    await conversation.interrupt('Paused by the user.');
    return conversation.info();
  }

  /** Continues a paused, stopped or interrupted conversation; `conversation_busy` while it runs. */
  run(id: string): ConversationInfo {
    const conversation = this.#find(id);
    conversation.run();
    return conversation.info();
  }

  /** Accepts or rejects the actions awaiting confirmation; `no_pending_confirmation` otherwise. */
  async confirm(id: string, request: ConfirmRequest): Promise<ConversationInfo> {
    const conversation = this.#find(id);
    await conversation.confirm(request);
    return conversation.info();
  }

  /** Replaces the confirmation policy (kept on disk). */
  async setConfirmationPolicy(id: string, policy: ConfirmationPolicy): Promise<ConversationInfo> {
    const conversation = this.#find(id);
    await conversation.setConfirmationPolicy(policy);
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

  /** Follows a conversation's events (and deltas, and its end); returns the unsubscribe function. */
  subscribe(id: string, subscriber: Subscriber | EventListener): () => void {
    this.#find(id);
    return this.#bus.subscribe(id, subscriber);
  }

  /** How many conversations have an agent run in flight. */
  runningCount(): number {
    let running = 0;
    for (const conversation of this.#conversations.values()) if (conversation.running) running += 1;
    return running;
  }

  /** Resolves when no agent run is in flight in any conversation (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.#conversations.values()].map((c) => c.idle()));
  }

  /** Aborts every run, waits for each to record how it ended, and closes the logs. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#conversations.values()].map((c) => c.shutdown('The agent server is shutting down.')),
    );
  }

  #find(id: string): Conversation {
    const conversation = this.#conversations.get(id);
    if (conversation !== undefined) return conversation;
    throw conversationNotFound(ConversationIdSchema.safeParse(id).success ? id : undefined);
  }

  async #openConversation(
    stored: StoredConversation,
    llm: LlmClient,
    secrets: Record<string, string>,
  ): Promise<Conversation> {
    // The log exists before the conversation that observes it; appends only start afterwards.
    const ref: { conversation?: Conversation } = {};
    const log = await EventLog.open({
      file: this.#store.eventLogFile(stored.id),
      onAppend: (event: Event) => {
        this.#options.onActivity?.();
        ref.conversation?.observe(event);
        this.#bus.publish(stored.id, event);
      },
      ...(this.#options.fsync === undefined ? {} : { fsync: this.#options.fsync }),
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
      workspace: this.#options.workspace,
      secrets,
      maskedValues: this.#options.maskedValues,
      persist: (next) => this.#store.save(next),
      onStreamDelta: (frame) => {
        this.#options.onActivity?.();
        this.#bus.publishDelta(stored.id, frame);
      },
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
        const { llm, secrets } = this.#reopenClient(stored);
        const conversation = await this.#openConversation(stored, llm, secrets);
        await conversation.recover();
      } catch (error) {
        this.#conversations.delete(stored.id);
        logger.error('Could not load a conversation', { conversationId: stored.id, error });
      }
    }
    logger.info('Conversations loaded', { count: this.#conversations.size });
  }

  /** Rebuilds the LLM client from the sealed key; a key that cannot be opened leaves a client that says so. */
  #reopenClient(stored: StoredConversation): { llm: LlmClient; secrets: Record<string, string> } {
    if (stored.sealed === undefined) return { llm: this.#options.llmClientFactory(stored.llm), secrets: {} };
    const opened = ConversationSecretsSchema.safeParse(this.#box.open(stored.sealed, stored.id));
    if (!opened.success) {
      this.#options.logger.warn('The sealed LLM key and secrets of a conversation cannot be opened', {
        conversationId: stored.id,
      });
      return { llm: new UnavailableLlmClient(KEY_LOST_MESSAGE), secrets: {} };
    }
    const { apiKey, secrets = {} } = opened.data;
    this.#redactor.add(apiKey, ...Object.values(secrets));
    const config: LlmConfig = { ...stored.llm, ...(apiKey === undefined ? {} : { apiKey }) };
    return { llm: this.#options.llmClientFactory(config), secrets };
  }
}
