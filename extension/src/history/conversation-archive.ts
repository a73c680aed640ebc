/**
 * @module The local archive of conversations under one folder (the extension's global storage):
 * `conversations/<id>.jsonl` holds every event, one JSON line each, appended in `seq` order;
 * `index.json` holds the summaries, replaced whole (temp file + rename) so it is never half
 * written. Plain Node `fs`, no `vscode`.
 */
import { appendFile, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConversationSummarySchema, EventSchema } from '@handoff/protocol';
import type { ConversationId, ConversationSummary, Event } from '@handoff/protocol';
import type { Logger } from '../common/logger';

/** Reads and writes the archive folder. Callers serialize writes (see `HistoryService`). */
export class ConversationArchive {
  private readonly conversationsDir: string;

  /** @param root the folder to keep everything in; created on the first write. */
  constructor(
    private readonly root: string,
    private readonly logger: Logger,
  ) {
    this.conversationsDir = join(root, 'conversations');
  }

  /** The saved summaries; none when there is no index yet or it cannot be read. */
  async readIndex(): Promise<ConversationSummary[]> {
    const text = await readIfExists(join(this.root, 'index.json'));
    if (text === undefined) return [];
    const index = parseJson(text);
    const items = typeof index === 'object' && index !== null && 'items' in index ? index.items : undefined;
    if (!Array.isArray(items)) {
      this.logger.warn('The conversation history index is unreadable; starting a new one.');
      return [];
    }
    // One bad entry costs that entry, not the whole history.
    return items.flatMap((item: unknown) => {
      const parsed = ConversationSummarySchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Replaces the index atomically. */
  async writeIndex(items: readonly ConversationSummary[]): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const target = join(this.root, 'index.json');
    const temp = `${target}.${String(process.pid)}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, items }), 'utf8');
    await rename(temp, target);
  }

  /** Appends events, in order, to a conversation's archive. */
  async append(conversationId: ConversationId, events: readonly Event[]): Promise<void> {
    if (events.length === 0) return;
    await mkdir(this.conversationsDir, { recursive: true });
    const file = this.fileOf(conversationId);
    // A crash mid-append can leave a torn last line: start on a fresh line so only it is lost.
    const separator = (await endsWithNewline(file)) ? '' : '\n';
    const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    await appendFile(file, separator + lines, 'utf8');
  }

  /**
   * Every archived event of a conversation, in `seq` order. A line that does not parse (a crash
   * mid-append leaves at most the last one torn) is skipped with a warning.
   */
  async read(conversationId: ConversationId): Promise<Event[]> {
    const text = await readIfExists(this.fileOf(conversationId));
    if (text === undefined) return [];
    const events: Event[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const parsed = EventSchema.safeParse(parseJson(line));
      if (parsed.success) events.push(parsed.data);
      else this.logger.warn(`Skipped an unreadable line in the archive of ${conversationId}.`);
    }
    return events;
  }

  private fileOf(conversationId: ConversationId): string {
    // Conversation ids are server-made; keep the file name safe whatever they contain.
    return join(this.conversationsDir, `${encodeURIComponent(conversationId)}.jsonl`);
  }
}

/** True for a missing or empty file too: nothing to separate from. */
async function endsWithNewline(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return true;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
