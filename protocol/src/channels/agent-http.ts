import { z } from 'zod';
import { AgentStateSchema } from '../events/agent-state-event';
import { EventSchema, EVENT_TYPES } from '../events/event';
import { EventSourceSchema } from '../events/base';
import { ConversationIdSchema } from '../ids';

/** Which model to call and how to reach it. The key never appears in events or logs. */
export const LlmConfigSchema = z
  .object({
    /** `provider/model`, e.g. `openai/gpt-4o` or `openai-compatible/llama3`. */
    model: z.string().regex(/^[a-z][a-z0-9-]*\/.+$/, 'must be "provider/model", e.g. "openai/gpt-4o"'),
    /** The provider's API key. */
    apiKey: z.string().min(1).optional(),
    /** Endpoint of an OpenAI-compatible server; the provider default when absent. */
    baseUrl: z.url().optional(),
  })
  .strict();
/** An LLM configuration. */
export type LlmConfig = z.infer<typeof LlmConfigSchema>;

/** `POST /api/conversations` body. */
export const CreateConversationRequestSchema = z
  .object({
    /** The model to use. */
    llm: LlmConfigSchema,
    /** The first user message; when present the agent starts at once. */
    initialMessage: z.string().min(1).optional(),
    /** Steps the agent may take before it stops. */
    maxIterations: z.number().int().positive().max(1000).optional(),
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
  })
  .strict();
/** Conversation info. */
export type ConversationInfo = z.infer<typeof ConversationInfoSchema>;

/** `GET /api/conversations` result. */
export const ConversationListSchema = z
  .object({
    /** The conversations, newest first. */
    items: z.array(ConversationInfoSchema),
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
