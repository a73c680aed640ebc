import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConversationIdSchema } from '@handoff/protocol';
import { z } from 'zod';

/**
 * What is kept on disk about a conversation besides its events. Never the API key: that lives
 * in memory only; `hasApiKey` records that one was given, so a reload knows it is gone.
 */
export const StoredConversationSchema = z
  .object({
    id: ConversationIdSchema,
    model: z.string(),
    baseUrl: z.url().optional(),
    hasApiKey: z.boolean(),
    maxIterations: z.number().int().positive(),
    createdAt: z.iso.datetime(),
  })
  .strict();
/** A stored conversation. */
export type StoredConversation = z.infer<typeof StoredConversationSchema>;

/** A conversation folder that could not be read back, and why. */
export interface UnreadableConversation {
  folder: string;
  reason: string;
}

/** Where conversations live under the state folder: `conversations/<id>/{conversation.json,events.jsonl}`. */
export class ConversationStore {
  readonly #root: string;

  constructor(stateDir: string) {
    this.#root = path.join(stateDir, 'conversations');
  }

  /** The event log file of a conversation. */
  eventLogFile(id: string): string {
    return path.join(this.#root, id, 'events.jsonl');
  }

  /** Creates the conversation's folder and writes its metadata atomically. */
  async save(conversation: StoredConversation): Promise<void> {
    const folder = path.join(this.#root, conversation.id);
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, 'conversation.json');
    const temporary = `${file}.tmp`;
    await writeFile(temporary, `${JSON.stringify(conversation, null, 2)}\n`, 'utf8');
    await rename(temporary, file);
  }

  /** Reads every stored conversation; folders that do not parse are reported, not thrown. */
  async loadAll(): Promise<{ conversations: StoredConversation[]; unreadable: UnreadableConversation[] }> {
    await mkdir(this.#root, { recursive: true });
    const conversations: StoredConversation[] = [];
    const unreadable: UnreadableConversation[] = [];
    for (const entry of await readdir(this.#root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = path.join(this.#root, entry.name);
      const result = await readStored(folder);
      if (typeof result === 'string') unreadable.push({ folder, reason: result });
      else if (result.id !== entry.name)
        unreadable.push({ folder, reason: 'conversation.json names another id' });
      else conversations.push(result);
    }
    return { conversations, unreadable };
  }
}

async function readStored(folder: string): Promise<StoredConversation | string> {
  try {
    const parsed = StoredConversationSchema.safeParse(
      JSON.parse(await readFile(path.join(folder, 'conversation.json'), 'utf8')),
    );
    return parsed.success ? parsed.data : 'conversation.json does not match its schema';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
