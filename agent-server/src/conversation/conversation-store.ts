import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfirmationPolicySchema,
  ConversationIdSchema,
  CreateConversationRequestSchema,
  LlmConfigSchema,
} from '@handoff/protocol';
import { z } from 'zod';
import { SealedSchema } from './secret-box';

/** What is sealed on disk: the LLM key and the conversation's secrets. */
export const ConversationSecretsSchema = z
  .object({
    /** The provider's API key. */
    apiKey: z.string().optional(),
    /** Secrets by environment variable name. */
    secrets: z.record(z.string(), z.string()).optional(),
  })
  .strict();
/** The sealed part of a conversation. */
export type ConversationSecrets = z.infer<typeof ConversationSecretsSchema>;

/**
 * What is kept on disk about a conversation besides its events. The LLM config is kept without
 * its key; the key and the secrets are only in `sealed` (AES-256-GCM, see `SecretBox`).
 */
export const StoredConversationSchema = z
  .object({
    id: ConversationIdSchema,
    /** The model config without `apiKey`. */
    llm: LlmConfigSchema.omit({ apiKey: true }),
    /** The title given at creation (otherwise derived from the first message). */
    title: z.string().optional(),
    confirmationPolicy: ConfirmationPolicySchema,
    maxIterations: z.number().int().positive(),
    maxBudgetUsd: z.number().positive().optional(),
    workspace: CreateConversationRequestSchema.shape.workspace,
    /** The names of the secrets (the values are sealed). */
    secretNames: z.array(z.string()),
    /** The LLM key and the secrets, encrypted; absent when there were none. */
    sealed: SealedSchema.optional(),
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

const METADATA_FILE = 'conversation.json';

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

  /**
   * Creates the conversation's folder and writes its metadata atomically: a synced temporary
   * file renamed over the old one, so a crash leaves either the old or the new file whole.
   */
  async save(conversation: StoredConversation): Promise<void> {
    const folder = path.join(this.#root, conversation.id);
    await mkdir(folder, { recursive: true });
    const file = path.join(folder, METADATA_FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(conversation, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  }

  /** Removes a conversation's folder with its log. */
  async remove(id: string): Promise<void> {
    await rm(path.join(this.#root, id), { recursive: true, force: true });
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
        unreadable.push({ folder, reason: `${METADATA_FILE} names another id` });
      else conversations.push(result);
    }
    return { conversations, unreadable };
  }
}

async function readStored(folder: string): Promise<StoredConversation | string> {
  try {
    const parsed = StoredConversationSchema.safeParse(
      JSON.parse(await readFile(path.join(folder, METADATA_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data : `${METADATA_FILE} does not match its schema`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
