import type {
  ConfirmRequest,
  ConfirmationPolicy,
  ConversationInfo,
  Event,
  StreamDeltaFrame,
} from '@handoff/protocol';
import type { AgentRunContext, AgentRunner } from '../agent/agent-context';
import { emitState } from '../agent/agent-context';
import {
  INTERRUPTED_BY_RESTART_MESSAGE,
  answerUnansweredActions,
  unansweredActions,
} from '../agent/unanswered-actions';
import { AgentServerError } from '../errors';
import type { LlmClient, LlmToolDefinition } from '../llm/llm-client';
import type { Logger } from '../logger';
import type { MaskedValues } from '../agent/secret-masker';
import type { SandboxClient } from '../sandbox/sandbox-client';
import { ConversationSummary } from './conversation-summary';
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
  /** Absolute path of the workspace folder. */
  workspace: string;
  /** The conversation's secrets by name (decrypted), for the agent's commands. */
  secrets: Readonly<Record<string, string>>;
  /** Server-wide values masked like the secrets, never exported. */
  maskedValues?: MaskedValues | undefined;
  /** Writes changed metadata to disk (atomically). */
  persist: (stored: StoredConversation) => Promise<void>;
  /** Sends text the model is generating to the live subscribers. */
  onStreamDelta: (frame: StreamDeltaFrame) => void;
}

/** The reason recorded when a reload finds a run that the previous process never ended. */
export const RESTART_REASON = 'The agent server restarted while the agent was running.';

const busy = (message: string) => new AgentServerError('conversation_busy', message);

/**
 * One conversation: its log, its state, and at most one agent run at a time. A message (or a
 * confirmation) that arrives during a run is appended at once; one the run did not see before it
 * stopped starts the next run, so nothing is left unanswered.
 */
export class Conversation {
  readonly #parts: ConversationParts;
  readonly #summary: ConversationSummary;
  #stored: StoredConversation;
  #persisting: Promise<void> = Promise.resolve();
  #run: Promise<void> | undefined;
  #currentRun: Promise<unknown> | undefined;
  #controller: AbortController | undefined;
  #interruptedAtSeq: number | undefined;
  #confirming = false;
  #closing = false;

  constructor(parts: ConversationParts) {
    this.#parts = parts;
    this.#stored = parts.stored;
    this.#summary = new ConversationSummary(parts.stored.createdAt);
    for (const event of parts.log.all()) this.observe(event);
  }

  /** The conversation id. */
  get id(): string {
    return this.#stored.id;
  }

  /** When it was created (ISO). */
  get createdAt(): string {
    return this.#stored.createdAt;
  }

  /** The log; read it, never append to it from outside. */
  get log(): EventLog {
    return this.#parts.log;
  }

  /** Keeps the summary in step with the log; called for every appended event. */
  observe(event: Event): void {
    this.#summary.observe(event);
  }

  /** The conversation as the API reports it. */
  info(): ConversationInfo {
    const stored = this.#stored;
    const summary = this.#summary;
    const title = stored.title ?? summary.derivedTitle;
    return {
      id: stored.id,
      state: summary.state,
      model: stored.llm.model,
      lastSeq: this.log.lastSeq,
      createdAt: stored.createdAt,
      updatedAt: summary.updatedAt,
      ...(title === undefined ? {} : { title }),
      confirmationPolicy: stored.confirmationPolicy,
      iterations: summary.iterations,
      maxIterations: stored.maxIterations,
      ...(stored.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: stored.maxBudgetUsd }),
      ...(summary.usage === undefined ? {} : { usage: summary.usage }),
    };
  }

  /** Appends a user message and makes sure an agent run will read it. */
  async sendMessage(text: string): Promise<void> {
    await this.log.append({ type: 'message', source: 'user', text });
    this.#ensureRunning();
  }

  /**
   * Continues without a new message (after a pause, an interrupt, a restart or a stop). Throws
   * `conversation_busy` while a run is in flight or actions await confirmation.
   */
  run(): void {
    if (this.#run !== undefined) throw busy('The agent is already running; pause or interrupt it first.');
    if (this.#summary.state === 'awaiting_confirmation')
      throw busy('Actions are awaiting confirmation: accept or reject them first.');
    this.#ensureRunning();
  }

  /**
   * Answers the actions awaiting confirmation: appends a `confirmation` event naming them and
   * starts a run that executes or rejects them. Throws `no_pending_confirmation` otherwise.
   */
  async confirm(request: ConfirmRequest): Promise<void> {
    if (this.#summary.state !== 'awaiting_confirmation' || this.#confirming) {
      throw new AgentServerError(
        'no_pending_confirmation',
        'No action is awaiting confirmation in this conversation.',
      );
    }
    this.#confirming = true;
    try {
      await this.log.append({
        type: 'confirmation',
        source: 'user',
        accept: request.accept,
        ...(request.reason === undefined ? {} : { reason: request.reason }),
        actionIds: unansweredActions(this.log.all()).map((action) => action.actionId),
      });
    } finally {
      this.#confirming = false;
    }
    this.#ensureRunning();
  }

  /** Replaces the confirmation policy; the running agent reads it before its next action. */
  async setConfirmationPolicy(policy: ConfirmationPolicy): Promise<void> {
    this.#stored = { ...this.#stored, confirmationPolicy: policy };
    const stored = this.#stored;
    this.#persisting = this.#persisting.catch(() => undefined).then(() => this.#parts.persist(stored));
    await this.#persisting;
  }

  /**
   * Aborts the run in flight (LLM call and command) and waits until it has recorded `paused`.
   * Messages sent from now on resume the agent; ones it had not read yet are dropped with the
   * interrupted work. A no-op when nothing runs.
   */
  async interrupt(reason = 'Interrupted by the user.'): Promise<void> {
    const controller = this.#controller;
    if (controller !== undefined && !controller.signal.aborted) {
      this.#interruptedAtSeq = this.log.assignedSeq;
      controller.abort(new Error(reason));
    }
    await this.#currentRun;
  }

  /** Whether an agent run is in flight (thinking, or waiting on the sandbox). */
  get running(): boolean {
    return this.#run !== undefined;
  }

  /** Resolves when no run is in flight. */
  async idle(): Promise<void> {
    await this.#run;
  }

  /** Stops for good (shutdown, delete): aborts the run in flight, starts no other, closes the log. */
  async shutdown(reason: string): Promise<void> {
    this.#closing = true;
    this.#controller?.abort(new Error(reason));
    await this.#run;
    await this.#persisting.catch(() => undefined);
    await this.log.close();
  }

  /**
   * After a reload: a run the previous process never ended is closed, so the log tells the
   * truth (each action answered, state `paused`) and `run` or a new message can resume it.
   */
  async recover(): Promise<void> {
    if (this.#summary.state !== 'running') return;
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
      // Checked and cleared in one synchronous block: input appended before this point is
      // seen here, input appended after it finds no run and starts one.
      if (this.#closing || !this.#hasInputAfter(resumeAfterSeq)) {
        this.#run = undefined;
        this.#currentRun = undefined;
        this.#controller = undefined;
        return;
      }
    }
  }

  /** One agent run; returns the seq after which user input still needs a run. */
  async #runOnce(): Promise<number> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#interruptedAtSeq = undefined;
    const run = this.#parts.runAgent(this.#runContext(controller.signal));
    this.#currentRun = run.catch(() => undefined);
    try {
      const result = await run;
      return this.#resumePoint(result.resumeAfterSeq);
    } catch (error) {
      this.#parts.logger.error('Agent run failed outside the loop', { conversationId: this.id, error });
      return Number.POSITIVE_INFINITY;
    }
  }

  /** After an interrupt, only input sent after it resumes the agent. */
  #resumePoint(runResumeAfterSeq: number): number {
    return this.#interruptedAtSeq ?? runResumeAfterSeq;
  }

  #runContext(signal: AbortSignal): AgentRunContext {
    const { llm, sandbox, tools, logger, secrets, maskedValues, onStreamDelta, workspace } = this.#parts;
    const stored = this.#stored;
    return {
      events: this.log,
      llm,
      sandbox,
      systemPrompt: this.#systemPrompt(),
      tools,
      maxIterations: stored.maxIterations,
      signal,
      logger: logger.child({ conversationId: this.id }),
      workspace,
      llmConfig: stored.llm,
      secrets,
      ...(maskedValues === undefined ? {} : { maskedValues }),
      getConfirmationPolicy: () => this.#stored.confirmationPolicy,
      ...(stored.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: stored.maxBudgetUsd }),
      onStreamDelta,
    };
  }

  /** The server's prompt, plus the repository and branch the client named. */
  #systemPrompt(): string {
    const { repository, branch } = this.#stored.workspace ?? {};
    if (repository === undefined && branch === undefined) return this.#parts.systemPrompt;
    const parts = [
      ...(repository === undefined ? [] : [`The repository is ${repository}.`]),
      ...(branch === undefined ? [] : [`The branch checked out is ${branch}.`]),
    ];
    return `${this.#parts.systemPrompt}\n\n<REPOSITORY_INFO>\n${parts.join(' ')}\n</REPOSITORY_INFO>`;
  }

  #hasInputAfter(seq: number): boolean {
    const events = this.log.all();
    for (let index = events.length - 1; index >= 0 && (events[index]?.seq ?? 0) > seq; index -= 1) {
      const event = events[index];
      if (event?.type === 'confirmation' || (event?.type === 'message' && event.source === 'user'))
        return true;
    }
    return false;
  }
}
