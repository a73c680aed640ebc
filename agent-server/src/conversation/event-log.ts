import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, readFile, truncate } from 'node:fs/promises';
import { EventSchema } from '@handoff/protocol';
import type { Event, EventDraft, EventSource, EventType } from '@handoff/protocol';

/** Thrown by {@link EventLog.open} when a line other than the last one does not parse. */
export class EventLogCorruptError extends Error {
  override readonly name = 'EventLogCorruptError';
}

/** Thrown by {@link EventLog.append} after the log was closed or a write failed. */
export class EventLogClosedError extends Error {
  override readonly name = 'EventLogClosedError';
}

/** Narrows {@link EventLog.read}. */
export interface EventFilter {
  /** Only events of this type. */
  type?: EventType | undefined;
  /** Only events from this source. */
  source?: EventSource | undefined;
}

/** One page of {@link EventLog.read}. */
export interface EventPage {
  /** Matching events by increasing `seq`. */
  items: Event[];
  /** Pass as `afterSeq` for the next page; absent on the last page. */
  nextAfterSeq?: number;
}

/** How to open an {@link EventLog}. */
export interface EventLogOptions {
  /** The JSON Lines file; created when missing. */
  file: string;
  /** Called with each event once it is on disk, in `seq` order. */
  onAppend?: (event: Event) => void;
  /** Clock for timestamps (tests). */
  now?: () => Date;
  /** `fdatasync` every batch before publishing it (default true). */
  fsync?: boolean;
}

/** What the log knows about its writes (tests, benchmarks). */
export interface EventLogStats {
  /** Batches written (each one write and, when enabled, one fdatasync). */
  batches: number;
  /** Events written. */
  events: number;
}

interface Pending {
  event: Event;
  resolve: (event: Event) => void;
  reject: (error: unknown) => void;
}

/**
 * The append-only event log of one conversation. It assigns `seq` (1, 2, 3, ...), a random
 * `id` and an ISO `timestamp`, writes each event as one JSON line, syncs it to disk, and only
 * then keeps and publishes it. Appends made while a write is in flight are group-committed: one
 * write and one fdatasync for the whole batch, so throughput does not hang on fsync latency
 * while file order, memory order and publish order all stay `seq` order.
 */
export class EventLog {
  readonly #file: string;
  readonly #handle: FileHandle;
  readonly #events: Event[];
  readonly #onAppend: ((event: Event) => void) | undefined;
  readonly #now: () => Date;
  readonly #fsync: boolean;
  readonly #stats: EventLogStats = { batches: 0, events: 0 };
  #nextSeq: number;
  #pending: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #failure: unknown;
  #closed = false;

  private constructor(options: EventLogOptions, handle: FileHandle, events: Event[]) {
    this.#file = options.file;
    this.#handle = handle;
    this.#events = events;
    this.#onAppend = options.onAppend;
    this.#now = options.now ?? (() => new Date());
    this.#fsync = options.fsync ?? true;
    this.#nextSeq = events.length + 1;
  }

  /**
   * Loads the log from disk. A torn last line (a write cut short by a crash) is dropped and cut
   * from the file, so the next append starts on a clean line; any other bad line is corruption.
   */
  static async open(options: EventLogOptions): Promise<EventLog> {
    const events = await loadEvents(options.file);
    const handle = await open(options.file, 'a');
    return new EventLog(options, handle, events);
  }

  /** Highest `seq` stored so far (0 when empty). */
  get lastSeq(): number {
    return this.#events.length;
  }

  /** Highest `seq` handed out, including appends still being written. */
  get assignedSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Write counters. */
  get stats(): Readonly<EventLogStats> {
    return this.#stats;
  }

  /** Every stored event, by `seq`. The array is the log's own: do not change it. */
  all(): readonly Event[] {
    return this.#events;
  }

  /** Assigns `id`, `seq` and `timestamp`; resolves once the event is on disk and published. */
  append(draft: EventDraft): Promise<Event> {
    if (this.#closed) return Promise.reject(new EventLogClosedError(`${this.#file} is closed.`));
    const event = {
      ...draft,
      id: randomUUID(),
      seq: this.#nextSeq,
      timestamp: this.#now().toISOString(),
    } as Event;
    this.#nextSeq += 1;
    return new Promise<Event>((resolve, reject) => {
      this.#pending.push({ event, resolve, reject });
      this.#flushing ??= this.#flushLoop();
    });
  }

  /** Up to `limit` events with `seq > afterSeq` that match `filter`. */
  read(afterSeq: number, limit: number, filter: EventFilter = {}): EventPage {
    const items: Event[] = [];
    for (let index = Math.max(0, afterSeq); index < this.#events.length; index += 1) {
      const event = this.#events[index];
      if (event === undefined || !matches(event, filter)) continue;
      if (items.length === limit) return { items, nextAfterSeq: items[items.length - 1]?.seq ?? afterSeq };
      items.push(event);
    }
    return { items };
  }

  /** Waits for the writes in flight, then closes the file; later appends are refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing;
    await this.#handle.close();
  }

  async #flushLoop(): Promise<void> {
    // Appends made in the same tick join the first batch; later ones wait for the next.
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      await this.#writeBatch(batch);
    }
    this.#flushing = undefined;
  }

  async #writeBatch(batch: Pending[]): Promise<void> {
    if (this.#failure !== undefined) {
      // After a failed write the seq sequence on disk has a hole; refuse rather than widen it.
      const error = new EventLogClosedError('The event log stopped accepting events after a failed write.', {
        cause: this.#failure,
      });
      for (const item of batch) item.reject(error);
      return;
    }
    try {
      const text = batch.map((item) => `${JSON.stringify(item.event)}\n`).join('');
      await this.#handle.write(text, null, 'utf8');
      if (this.#fsync) await this.#handle.datasync();
    } catch (error) {
      this.#failure = error;
      for (const item of batch) item.reject(error);
      return;
    }
    this.#stats.batches += 1;
    this.#stats.events += batch.length;
    for (const item of batch) {
      this.#events.push(item.event);
      this.#onAppend?.(item.event);
      item.resolve(item.event);
    }
  }
}

function matches(event: Event, filter: EventFilter): boolean {
  return (
    (filter.type === undefined || event.type === filter.type) &&
    (filter.source === undefined || event.source === filter.source)
  );
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseLine(line: string): Event | undefined {
  try {
    const parsed = EventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function loadEvents(file: string): Promise<Event[]> {
  const text = await readIfExists(file);
  if (text === undefined) return [];
  const lines = text.split('\n');
  // The text after the last newline is a record whose write never finished: always torn.
  const complete = lines.slice(0, -1);
  const events: Event[] = [];
  let goodBytes = 0;
  for (const [index, line] of complete.entries()) {
    const event = parseLine(line);
    const isLast = index === complete.length - 1 && lines[lines.length - 1] === '';
    if (event === undefined || event.seq !== events.length + 1) {
      if (isLast) break;
      throw new EventLogCorruptError(
        `${file}: line ${index + 1} is not the event with seq ${events.length + 1}.`,
      );
    }
    events.push(event);
    goodBytes += Buffer.byteLength(line, 'utf8') + 1;
  }
  if (goodBytes < Buffer.byteLength(text, 'utf8')) await truncate(file, goodBytes);
  return events;
}
