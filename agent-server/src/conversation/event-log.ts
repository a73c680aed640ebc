import { randomUUID } from 'node:crypto';
import { appendFile, readFile, truncate } from 'node:fs/promises';
import { EventSchema } from '@handoff/protocol';
import type { Event, EventDraft, EventSource, EventType } from '@handoff/protocol';

/** Thrown by {@link EventLog.open} when a line other than the last one does not parse. */
export class EventLogCorruptError extends Error {
  override readonly name = 'EventLogCorruptError';
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
  /** The JSON Lines file; created on the first append. */
  file: string;
  /** Called with each event once it is on disk, in `seq` order. */
  onAppend?: (event: Event) => void;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

/**
 * The append-only event log of one conversation. It assigns `seq` (1, 2, 3, ...), a random
 * `id` and an ISO `timestamp`, writes each event as one JSON line, and only then keeps and
 * publishes it. Appends are serialized, so the file order, the memory order and the publish
 * order are all `seq` order.
 */
export class EventLog {
  readonly #file: string;
  readonly #events: Event[];
  readonly #onAppend: ((event: Event) => void) | undefined;
  readonly #now: () => Date;
  #nextSeq: number;
  #tail: Promise<unknown> = Promise.resolve();
  #failure: unknown;

  private constructor(options: EventLogOptions, events: Event[]) {
    this.#file = options.file;
    this.#events = events;
    this.#onAppend = options.onAppend;
    this.#now = options.now ?? (() => new Date());
    this.#nextSeq = events.length + 1;
  }

  /**
   * Loads the log from disk. A torn last line (a write cut short by a crash) is dropped and cut
   * from the file, so the next append starts on a clean line; any other bad line is corruption.
   */
  static async open(options: EventLogOptions): Promise<EventLog> {
    const events = await loadEvents(options.file);
    return new EventLog(options, events);
  }

  /** Highest `seq` so far (0 when empty). */
  get lastSeq(): number {
    return this.#events.length;
  }

  /** Highest `seq` handed out, including appends still being written. */
  get assignedSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Every event, by `seq`. The array is the log's own: do not change it. */
  all(): readonly Event[] {
    return this.#events;
  }

  /** Assigns `id`, `seq` and `timestamp`, writes the event, then publishes it. */
  append(draft: EventDraft): Promise<Event> {
    const event = {
      ...draft,
      id: randomUUID(),
      seq: this.#nextSeq,
      timestamp: this.#now().toISOString(),
    } as Event;
    this.#nextSeq += 1;
    const written = this.#tail.then(async () => {
      // After a failed write the seq sequence on disk has a hole; refuse rather than widen it.
      if (this.#failure !== undefined)
        throw new Error('The event log stopped accepting events after a failed write.', {
          cause: this.#failure,
        });
      try {
        await appendFile(this.#file, `${JSON.stringify(event)}\n`, 'utf8');
      } catch (error) {
        this.#failure = error;
        throw error;
      }
      this.#events.push(event);
      this.#onAppend?.(event);
      return event;
    });
    this.#tail = written.catch(() => undefined);
    return written;
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
