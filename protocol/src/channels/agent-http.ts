import { z } from 'zod';
import { AgentStateSchema } from '../events/agent-state-event';
import { EventSchema, EVENT_TYPES } from '../events/event';
import { EventSourceSchema } from '../events/base';
import { LlmUsageSchema } from '../events/llm-usage-event';
import { ConversationIdSchema } from '../ids';

/** Which model to call and how to reach it. The key never appears in events or logs. */
export const LlmConfigSchema = z
  .object({
    /** `provider/model`, e.g. `openai/gpt-4o` or `openai-compatible/llama3`. */
    model: z.string().regex(/^[a-z][a-z0-9-]*\/.+$/, 'must be "provider/model", e.g. "openai/gpt-4o"'),
    /** The provider's API key. */
    apiKey: z.string().min(1).optional(),
    /** Endpoint of an OpenAI-compatible server or Azure resource; the provider default when absent. */
    baseUrl: z.url().optional(),
    /** Azure: the API version, e.g. `2024-10-21`. */
    apiVersion: z.string().min(1).optional(),
    /** Azure: the deployment name (defaults to the model name). */
    deployment: z.string().min(1).optional(),
    /** The model's context window in tokens; a built-in table (or 128k) when absent. */
    contextWindow: z.number().int().positive().optional(),
    /** Most tokens one completion may produce. */
    maxOutputTokens: z.number().int().positive().optional(),
    /** Sampling temperature. */
    temperature: z.number().min(0).max(2).optional(),
    /** False for models without native function calling: tools are described in text instead. */
    nativeToolCalling: z.boolean().optional(),
    /** Prices overriding the built-in table, in US dollars per million tokens. */
    pricing: z
      .object({
        /** Uncached prompt tokens. */
        inputPerMTok: z.number().nonnegative(),
        /** Completion tokens. */
        outputPerMTok: z.number().nonnegative(),
        /** Prompt tokens read from the cache (default: the input price). */
        cacheReadPerMTok: z.number().nonnegative().optional(),
        /** Prompt tokens written to the cache (default: the input price). */
        cacheWritePerMTok: z.number().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
/** An LLM configuration. */
export type LlmConfig = z.infer<typeof LlmConfigSchema>;

/** When actions wait for the user: never, always, or from a risk level up. */
export const ConfirmationPolicySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('never') }).strict(),
  z.object({ type: z.literal('always') }).strict(),
  z
    .object({
      type: z.literal('risky'),
      /** Actions at or above this risk wait (UNKNOWN counts as HIGH). Default MEDIUM. */
      threshold: z.enum(['LOW', 'MEDIUM', 'HIGH']).default('MEDIUM'),
    })
    .strict(),
]);
/** A confirmation policy. */
export type ConfirmationPolicy = z.infer<typeof ConfirmationPolicySchema>;

/** `POST /api/conversations` body. */
export const CreateConversationRequestSchema = z
  .object({
    /** The model to use. */
    llm: LlmConfigSchema,
    /** The first user message; when present the agent starts at once. */
    initialMessage: z.string().min(1).optional(),
    /** Steps the agent may take before it stops (default 100). */
    maxIterations: z.number().int().positive().max(1000).optional(),
    /** Dollars the conversation may spend on the LLM before it stops. */
    maxBudgetUsd: z.number().positive().optional(),
    /** When actions wait for the user; `never` by default. */
    confirmationPolicy: ConfirmationPolicySchema.optional(),
    /**
     * Secrets the agent's commands may use (exported into the shell as environment variables);
     * their values are masked in every event, log and prompt. Kept in memory only.
     */
    secrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().min(1)).optional(),
    /** The workspace: where the repository is and what it is called. */
    workspace: z
      .object({
        /** Repository name, e.g. `owner/repo`, for the prompt. */
        repository: z.string().max(200).optional(),
        /** Branch checked out. */
        branch: z.string().max(200).optional(),
      })
      .strict()
      .optional(),
    /** Title shown in lists; derived from the first message when absent. */
    title: z.string().min(1).max(200).optional(),
  })
  .strict();
/** A create-conversation request. */
export type CreateConversationRequest = z.infer<typeof CreateConversationRequestSchema>;

/** A conversation as the agent server reports it. */
export const ConversationInfoSchema = z
  .object({
    /** The conversation id. */
    id: ConversationIdSchema,
    /** Where the agent stands. */
    state: AgentStateSchema,
    /** The model in use (never the key). */
    model: z.string(),
    /** Highest `seq` in the log (0 when empty). */
    lastSeq: z.number().int().nonnegative(),
    /** Creation time, ISO 8601. */
    createdAt: z.iso.datetime(),
    /** Last event time, ISO 8601. */
    updatedAt: z.iso.datetime(),
    /** Title shown in lists. */
    title: z.string().optional(),
    /** When actions wait for the user. */
    confirmationPolicy: ConfirmationPolicySchema.optional(),
    /** Agent steps taken so far. */
    iterations: z.number().int().nonnegative().optional(),
    /** The step limit. */
    maxIterations: z.number().int().positive().optional(),
    /** The dollar limit, when set. */
    maxBudgetUsd: z.number().positive().optional(),
    /** LLM usage so far. */
    usage: LlmUsageSchema.optional(),
  })
  .strict();
/** Conversation info. */
export type ConversationInfo = z.infer<typeof ConversationInfoSchema>;

/** `GET /api/conversations` query. */
export const ConversationListQuerySchema = z
  .object({
    /** Only conversations in this state. */
    state: AgentStateSchema.optional(),
    /** At most this many. */
    limit: z.coerce.number().int().positive().max(100).default(50),
    /** Opaque cursor from the previous page. */
    pageToken: z.string().optional(),
  })
  .strict();
/** A conversation-list query. */
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

/** `GET /api/conversations` result. */
export const ConversationListSchema = z
  .object({
    /** The conversations, newest first. */
    items: z.array(ConversationInfoSchema),
    /** Pass as `pageToken` for the next page; absent on the last page. */
    nextPageToken: z.string().optional(),
  })
  .strict();
/** A conversation list. */
export type ConversationList = z.infer<typeof ConversationListSchema>;

/** `POST /api/conversations/{id}/messages` body. */
export const SendMessageRequestSchema = z
  .object({
    /** The message text. */
    text: z.string().min(1),
  })
  .strict();
/** A send-message request. */
export type SendMessageRequest = z.infer<typeof SendMessageRequestSchema>;

/** `POST /api/conversations/{id}/confirm` body: answer the actions awaiting confirmation. */
export const ConfirmRequestSchema = z
  .object({
    /** True runs them; false rejects them. */
    accept: z.boolean(),
    /** Why (shown to the model on rejection). */
    reason: z.string().max(2000).optional(),
  })
  .strict();
/** A confirm request. */
export type ConfirmRequest = z.infer<typeof ConfirmRequestSchema>;

/** `POST /api/conversations/{id}/confirmation_policy` body. */
export const SetConfirmationPolicyRequestSchema = z
  .object({
    /** The new policy. */
    policy: ConfirmationPolicySchema,
  })
  .strict();
/** A set-confirmation-policy request. */
export type SetConfirmationPolicyRequest = z.infer<typeof SetConfirmationPolicyRequestSchema>;

/** `GET /api/conversations/{id}/events` query. */
export const EventsPageQuerySchema = z
  .object({
    /** Return events with `seq` greater than this. */
    afterSeq: z.coerce.number().int().nonnegative().default(0),
    /** At most this many events. */
    limit: z.coerce.number().int().positive().max(1000).default(100),
    /** Only events of this type. */
    type: z.enum(EVENT_TYPES).optional(),
    /** Only events from this source. */
    source: EventSourceSchema.optional(),
  })
  .strict();
/** An events-page query. */
export type EventsPageQuery = z.infer<typeof EventsPageQuerySchema>;

/** `GET /api/conversations/{id}/events` result. */
export const EventsPageSchema = z
  .object({
    /** The events, by increasing `seq`. */
    items: z.array(EventSchema),
    /** Pass as `afterSeq` for the next page; absent on the last page. */
    nextAfterSeq: z.number().int().nonnegative().optional(),
  })
  .strict();
/** An events page. */
export type EventsPage = z.infer<typeof EventsPageSchema>;

/**
 * `GET /api/sandbox/activity` of the agent server: what runtime-api needs to decide that a sandbox
 * is idle (pause it) or abandoned (reap it).
 */
export const SandboxActivitySchema = z
  .object({
    /** Open event sockets (clients following a conversation). */
    connections: z.number().int().nonnegative(),
    /** Conversations whose agent is running or waiting on the sandbox right now. */
    runningConversations: z.number().int().nonnegative(),
    /** Last authenticated request, socket frame or agent step, ISO 8601. */
    lastActivityAt: z.iso.datetime(),
  })
  .strict();
/** Sandbox activity. */
export type SandboxActivity = z.infer<typeof SandboxActivitySchema>;

/**
 * `GET /api/workspace/file` query: one file of the agent server's workspace, read as it is now
 * (the extension mirrors the agent's edits with it).
 */
export const WorkspaceFileQuerySchema = z
  .object({
    /** Workspace-relative (or absolute inside the workspace); `..` may not climb out. */
    path: z.string().min(1),
  })
  .strict();
/** A workspace-file query. */
export type WorkspaceFileQuery = z.infer<typeof WorkspaceFileQuerySchema>;

/** Response header of `GET /api/workspace/file`: the sha256 (hex) of the bytes in the body. */
export const WORKSPACE_FILE_SHA256_HEADER = 'x-handoff-sha256';
/** Response header of `GET /api/workspace/file`: `true` when the file has an executable bit. */
export const WORKSPACE_FILE_EXECUTABLE_HEADER = 'x-handoff-executable';
/** The largest file `GET /api/workspace/file` serves (10 MiB); larger ones are 413 `payload_too_large`. */
export const MAX_WORKSPACE_FILE_BYTES = 10 * 1024 * 1024;
