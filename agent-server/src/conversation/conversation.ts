import type { AgentState, ConversationInfo, Event } from '@handoff/protocol';
import type { AgentRunner } from '../agent/agent-context';
import { emitState } from '../agent/agent-context';
import { INTERRUPTED_BY_RESTART_MESSAGE, answerUnansweredActions } from '../agent/unanswered-actions';
import type { LlmClient, LlmToolDefinition } from '../llm/llm-client';
import type { Logger } from '../logger';
import type { SandboxClient } from '../sandbox/sandbox-client';
import type { StoredConversation } from './conversation-store';
import type { EventLog } from './event-log';

/** Everything a {@link Conversation} is built from. */
export interface ConversationParts {
  stored: StoredConversation;
  log: EventLog;
  llm: LlmClient;
  sandbox: SandboxClient;
  systemPrompt: string;
  tools: readonly LlmToolDefinition[];
  runAgent: AgentRunner;
  logger: Logger;
}

/** The reason recorded when a reload finds a run that the previous process never ended. */
export const RESTART_REASON = 'The agent server restarted while the agent was running.';

/**
 * One conversation: its log, its state, and at most one agent run at a time. A message sent
 * during a run is appended at once and read by the run's next step; a message that the run did
 * not see before it stopped starts the next run, so no message is left unanswered.
 */
export class Conversation {
  readonly #parts: ConversationParts;
  #state: AgentState = 'idle';
  #updatedAt: string;
  #run: Promise<void> | undefined;
  #currentRun: Promise<unknown> | undefined;
  #controller: AbortController | undefined;
  #interruptedAtSeq: number | undefined;
  #closing = false;

  constructor(parts: ConversationParts) {
    this.#parts = parts;
    this.#updatedAt = parts.stored.createdAt;
    for (const event of parts.log.all()) this.observe(event);
  }

  /** The conversation id. */
  get id(): string {
    return this.#parts.stored.id;
  }

  /** When it was created (ISO). */
  get createdAt(): string {
    return this.#parts.stored.createdAt;
  }

  /** The log; read it, never append to it from outside. */
  get log(): EventLog {
    return this.#parts.log;
  }

  /** Keeps state and `updatedAt` in step with the log; called for every appended event. */
  observe(event: Event): void {
    this.#updatedAt = event.timestamp;
    if (event.type === 'agent_state_changed') this.#state = event.state;
  }

  /** The conversation as the API reports it. */
  info(): ConversationInfo {
    const stored = this.#parts.stored;
    return {
      id: stored.id,
      state: this.#state,
      model: stored.model,
      lastSeq: this.log.lastSeq,
      createdAt: stored.createdAt,
      updatedAt: this.#updatedAt,
    };
  }

  /** Appends a user message and makes sure an agent run will read it. */
  async sendMessage(text: string): Promise<void> {
    await this.log.append({ type: 'message', source: 'user', text });
    this.#ensureRunning();
  }

  /**
   * Aborts the run in flight (LLM call and command) and waits until it has recorded `paused`.
   * Messages sent from now on resume the agent; ones it had not read yet are dropped with the
   * interrupted work.
   */
  async interrupt(): Promise<void> {
    const controller = this.#controller;
    if (controller !== undefined && !controller.signal.aborted) {
      this.#interruptedAtSeq = this.log.assignedSeq;
      controller.abort(new Error('Interrupted by the user.'));
    }
    await this.#currentRun;
  }

  /** Resolves when no run is in flight. */
  async idle(): Promise<void> {
    await this.#run;
  }

  /** Stops for good (server shutdown): aborts the run in flight and starts no other. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    this.#controller?.abort(new Error('The agent server is shutting down.'));
    await this.#run;
  }

  /**
   * After a reload: a run the previous process never ended is closed, so the log tells the
   * truth (each action answered, state `paused`) and a new message can resume it.
   */
  async recover(): Promise<void> {
    if (this.#state !== 'running') return;
    await answerUnansweredActions(this.log, INTERRUPTED_BY_RESTART_MESSAGE);
    await emitState(this.log, 'paused', RESTART_REASON);
  }

  #ensureRunning(): void {
    if (this.#run !== undefined || this.#closing) return;
    this.#run = this.#drive();
  }

  async #drive(): Promise<void> {
    for (;;) {
      const resumeAfterSeq = await this.#runOnce();
      // Checked and cleared in one synchronous block: a message appended before this point is
      // seen here, one appended after it finds no run and starts one.
      if (this.#closing || !this.#hasUserMessageAfter(resumeAfterSeq)) {
        this.#run = undefined;
        this.#currentRun = undefined;
        this.#controller = undefined;
        return;
      }
    }
  }

  /** One agent run; returns the seq after which user messages still need a run. */
  async #runOnce(): Promise<number> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#interruptedAtSeq = undefined;
    const run = this.#parts.runAgent({ ...this.#runContext(), signal: controller.signal });
    this.#currentRun = run.catch(() => undefined);
    try {
      const result = await run;
      return this.#resumePoint(result.resumeAfterSeq);
    } catch (error) {
      this.#parts.logger.error('Agent run failed outside the loop', { conversationId: this.id, error });
      return Number.POSITIVE_INFINITY;
    }
  }

  /** After an interrupt, only messages sent after it resume the agent. */
  #resumePoint(runResumeAfterSeq: number): number {
    return this.#interruptedAtSeq ?? runResumeAfterSeq;
  }

  #runContext(): Omit<Parameters<AgentRunner>[0], 'signal'> {
    const { llm, sandbox, systemPrompt, tools, logger, stored } = this.#parts;
    return {
      events: this.log,
      llm,
      sandbox,
      systemPrompt,
      tools,
      maxIterations: stored.maxIterations,
      logger: logger.child({ conversationId: this.id }),
    };
  }

  #hasUserMessageAfter(seq: number): boolean {
    const events = this.log.all();
    for (let index = events.length - 1; index >= 0 && (events[index]?.seq ?? 0) > seq; index -= 1) {
      const event = events[index];
      if (event?.type === 'message' && event.source === 'user') return true;
    }
    return false;
  }
}
