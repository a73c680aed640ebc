import { z } from 'zod';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Identifies a conversation on one agent server; safe for paths and URLs. */
export const ConversationIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, "_" or "-"');
/** A conversation id. */
export type ConversationId = z.infer<typeof ConversationIdSchema>;

/** Identifies a sandbox handed out by the runtime API; safe for paths and URLs. */
export const SandboxIdSchema = z.string().regex(ID_PATTERN, 'must be 1-64 letters, digits, "_" or "-"');
/** A sandbox id. */
export type SandboxId = z.infer<typeof SandboxIdSchema>;

/** Identifies one event, unique across conversations. */
export const EventIdSchema = z.string().min(1).max(100);
/** An event id. */
export type EventId = z.infer<typeof EventIdSchema>;

/** Pairs an action with the observation that answers it. */
export const ActionIdSchema = z.string().min(1).max(100);
/** An action id. */
export type ActionId = z.infer<typeof ActionIdSchema>;
