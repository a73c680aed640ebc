import { z } from 'zod';
import { ErrorBodySchema } from '../errors';
import { EventSchema } from '../events/event';
import { ConversationIdSchema } from '../ids';

/** First client frame: which protocol it speaks and where to resume. */
export const HelloFrameSchema = z
  .object({
    type: z.literal('hello'),
    /** The client's {@link PROTOCOL_VERSION}. */
    protocolVersion: z.number().int(),
    /** Replay events with `seq` greater than this, then tail live. Absent or 0: from the start. */
    afterSeq: z.number().int().nonnegative().optional(),
    /** The sandbox's session key, when it was not sent as the `X-Session-API-Key` header. */
    sessionApiKey: z.string().min(1).optional(),
  })
  .strict();
/** A hello frame. */
export type HelloFrame = z.infer<typeof HelloFrameSchema>;

/** The user sends a message; the agent starts or continues working. */
export const SendMessageFrameSchema = z
  .object({
    type: z.literal('send_message'),
    /** The message text. */
    text: z.string().min(1),
  })
  .strict();
/** A send-message frame. */
export type SendMessageFrame = z.infer<typeof SendMessageFrameSchema>;

/** Stop the running step now: the LLM call and the command are aborted; state becomes `paused`. */
export const InterruptFrameSchema = z.object({ type: z.literal('interrupt') }).strict();
/** An interrupt frame. */
export type InterruptFrame = z.infer<typeof InterruptFrameSchema>;

/** Accept or reject the actions awaiting confirmation. */
export const ConfirmFrameSchema = z
  .object({
    type: z.literal('confirm'),
    /** True runs them; false rejects them. */
    accept: z.boolean(),
    /** Why (shown to the model on rejection). */
    reason: z.string().max(2000).optional(),
  })
  .strict();
/** A confirm frame. */
export type ConfirmFrame = z.infer<typeof ConfirmFrameSchema>;

/** Every frame a client sends. `hello` must be first. */
export const ClientFrameSchema = z.discriminatedUnion('type', [
  HelloFrameSchema,
  SendMessageFrameSchema,
  InterruptFrameSchema,
  ConfirmFrameSchema,
]);
/** A client frame. */
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/** The server accepted the hello; replay follows. */
export const WelcomeFrameSchema = z
  .object({
    type: z.literal('welcome'),
    /** The server's {@link PROTOCOL_VERSION}. */
    protocolVersion: z.number().int(),
    /** The conversation this socket streams. */
    conversationId: ConversationIdSchema,
    /** The highest `seq` in the log when the socket was accepted (0 when empty). */
    lastSeq: z.number().int().nonnegative(),
  })
  .strict();
/** A welcome frame. */
export type WelcomeFrame = z.infer<typeof WelcomeFrameSchema>;

/** One event of the conversation; `seq` strictly increases along a socket. */
export const EventFrameSchema = z
  .object({
    type: z.literal('event'),
    /** The event. */
    event: EventSchema,
  })
  .strict();
/** An event frame. */
export type EventFrame = z.infer<typeof EventFrameSchema>;

/**
 * Text the model is generating right now, token by token. Ephemeral: not in the log and
 * without `seq`; the complete message or action event follows. Sent only to live subscribers.
 */
export const StreamDeltaFrameSchema = z
  .object({
    type: z.literal('stream_delta'),
    /** Groups the deltas of one LLM response. */
    responseId: z.string(),
    /** Visible text, or the model's reasoning when it exposes it. */
    kind: z.enum(['text', 'reasoning']),
    /** The new text. */
    delta: z.string(),
  })
  .strict();
/** A stream-delta frame. */
export type StreamDeltaFrame = z.infer<typeof StreamDeltaFrameSchema>;

/** Something the client sent failed; a close with a 4xxx code may follow. */
export const ErrorFrameSchema = z
  .object({
    type: z.literal('error'),
    /** What failed. */
    error: ErrorBodySchema,
  })
  .strict();
/** An error frame. */
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;

/** Every frame the server sends. */
export const ServerFrameSchema = z.discriminatedUnion('type', [
  WelcomeFrameSchema,
  EventFrameSchema,
  StreamDeltaFrameSchema,
  ErrorFrameSchema,
]);
/** A server frame. */
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** Path of the event socket of a conversation. */
export function eventSocketPath(conversationId: string): string {
  return `/sockets/events/${encodeURIComponent(conversationId)}`;
}

/** Close codes of the event socket, each with one meaning. */
export const SocketCloseCode = {
  /** The server is shutting down; reconnect later. */
  GOING_AWAY: 1001,
  /** Too many sockets follow this conversation; reconnect later. */
  TRY_AGAIN_LATER: 1013,
  /** A frame was not JSON or did not match its schema. */
  INVALID_FRAME: 4000,
  /** The session key was missing or wrong. */
  AUTH_FAILED: 4001,
  /** No such conversation. */
  CONVERSATION_NOT_FOUND: 4004,
  /** No `hello` within the handshake timeout. */
  HANDSHAKE_TIMEOUT: 4008,
  /** The protocol versions are incompatible. */
  INCOMPATIBLE_PROTOCOL: 4400,
  /** The conversation was deleted. */
  CONVERSATION_DELETED: 4410,
  /** The client read too slowly and its buffer filled; reconnect with `afterSeq` to resume. */
  SLOW_CONSUMER: 4429,
} as const;
/** A close code. */
export type SocketCloseCode = (typeof SocketCloseCode)[keyof typeof SocketCloseCode];
