/**
 * @module Conversation history: every event of every conversation is archived locally as it
 * arrives, and the summaries the history list shows are kept beside it. Free of `vscode`.
 */
import type { ConversationId, ConversationSummary, Event, SandboxInfo } from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { toErrorBody } from '../agent/errors';
import type { ConversationArchive } from './conversation-archive';
import { emptySummary, summarize } from './conversation-summary';
import type { ConversationRef } from './conversation-summary';

/** Options of {@link HistoryService}. */
export interface HistoryServiceOptions {
  archive: ConversationArchive;
  /** runtime-api's view of a sandbox; `undefined` when it no longer exists. */
  findSandbox: (sandboxId: string) => Promise<SandboxInfo | undefined>;
  logger: Logger;
}

interface Recorded {
  ref: ConversationRef;
  event: Event;
}

/** Archives events and keeps the conversation summaries. */
export class HistoryService extends Disposable {
  private readonly changeEmitter = this._register(new Emitter<undefined>());
  /** A summary was added or changed; read {@link list}. */
  readonly onDidChange = this.changeEmitter.event;

  private summaries = new Map<ConversationId, ConversationSummary>();
  /** The last archived `seq` per conversation, read from the archive on first use. */
  private readonly lastSeq = new Map<ConversationId, number>();
  private pending: Recorded[] = [];
  private work: Promise<void>;

  constructor(private readonly options: HistoryServiceOptions) {
    super();
    this.work = this.load();
  }

  /**
   * Archives `event` of the conversation `ref` (in the background, in call order). An event
   * already archived (same or lower `seq`, as when a reopened conversation streams from the
   * start again) is skipped.
   */
  record(ref: ConversationRef, event: Event): void {
    if (this.isDisposed) return;
    this.pending.push({ ref, event });
    if (this.pending.length === 1) void this.enqueue(() => this.flush());
  }

  /** Resolves once everything recorded so far is on disk. */
  whenIdle(): Promise<void> {
    return this.work;
  }

  /** The conversations, newest first. */
  list(): ConversationSummary[] {
    return [...this.summaries.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  /** One conversation's summary. */
  async get(conversationId: ConversationId): Promise<ConversationSummary | undefined> {
    await this.work;
    return this.summaries.get(conversationId);
  }

  /** Every archived event of a conversation, in `seq` order. */
  async events(conversationId: ConversationId): Promise<Event[]> {
    await this.work;
    return this.options.archive.read(conversationId);
  }

  /**
   * Asks runtime-api which sandboxes still exist and updates `live`. A sandbox that cannot be
   * asked about (runtime-api unreachable, no key) keeps its last known state.
   */
  async refreshLive(): Promise<void> {
    await this.work;
    const items = [...this.summaries.values()].filter((item) => item.live);
    const answers = await Promise.all(items.map(async (item) => [item, await this.isLive(item)] as const));
    const gone = answers.flatMap(([item, live]) => (live === false ? [item.conversationId] : []));
    if (gone.length > 0) await this.update(gone, false);
  }

  /** Records what reopening found out about a conversation's sandbox. */
  async setLive(conversationId: ConversationId, live: boolean): Promise<void> {
    await this.work;
    if (this.summaries.get(conversationId)?.live === live) return;
    await this.update([conversationId], live);
  }

  private update(ids: readonly ConversationId[], live: boolean): Promise<void> {
    for (const id of ids) {
      const summary = this.summaries.get(id);
      if (summary) this.summaries.set(id, { ...summary, live });
    }
    return this.enqueue(() => this.saveIndex());
  }

  private async isLive(item: ConversationSummary): Promise<boolean | undefined> {
    try {
      const sandbox = await this.options.findSandbox(item.sandboxId);
      return sandbox !== undefined && sandbox.status !== 'stopped';
    } catch (error) {
      this.options.logger.warn(`Could not check sandbox ${item.sandboxId}: ${toErrorBody(error).message}`);
      return undefined;
    }
  }

  private async load(): Promise<void> {
    try {
      const items = await this.options.archive.readIndex();
      this.summaries = new Map(items.map((item) => [item.conversationId, item]));
    } catch (error) {
      this.options.logger.error(`Could not read the conversation history: ${toErrorBody(error).message}`);
    }
  }

  /** Runs `step` after everything queued before it; a failure is logged and does not stop the queue. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    this.work = this.work.then(step).catch((error: unknown) => {
      this.options.logger.error(`Could not save the conversation history: ${toErrorBody(error).message}`);
    });
    return this.work;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const appends = new Map<ConversationId, Event[]>();
    for (const { ref, event } of batch) {
      const id = ref.conversationId;
      const last = this.lastSeq.get(id) ?? (await this.archivedLastSeq(id));
      if (event.seq <= last) continue;
      this.lastSeq.set(id, event.seq);
      const summary = this.summaries.get(id) ?? emptySummary(ref, event.timestamp);
      this.summaries.set(id, summarize({ ...summary, live: true }, event));
      appends.set(id, [...(appends.get(id) ?? []), event]);
    }
    if (appends.size === 0) return;
    for (const [id, events] of appends) await this.options.archive.append(id, events);
    await this.saveIndex();
  }

  private async archivedLastSeq(conversationId: ConversationId): Promise<number> {
    const last = (await this.options.archive.read(conversationId)).at(-1)?.seq ?? 0;
    this.lastSeq.set(conversationId, last);
    return last;
  }

  private async saveIndex(): Promise<void> {
    await this.options.archive.writeIndex(this.list());
    this.changeEmitter.fire(undefined);
  }
}
