/**
 * @module How a conversation's events fold into the summary the history list shows: a pure
 * function, so the index can always be rebuilt from the archive.
 */
import type { ConversationId, ConversationSummary, Event } from '@handoff/protocol';

/** The longest title, in characters; longer first messages are cut at a word and get "…". */
export const MAX_TITLE_LENGTH = 60;

/** The title until the first user message arrives. */
export const UNTITLED = 'New conversation';

/** The conversation and sandbox an event belongs to. */
export interface ConversationRef {
  conversationId: ConversationId;
  sandboxId: string;
}

/** A summary with nothing recorded yet. */
export function emptySummary(ref: ConversationRef, now: string): ConversationSummary {
  return {
    conversationId: ref.conversationId,
    sandboxId: ref.sandboxId,
    title: UNTITLED,
    status: 'idle',
    live: true,
    createdAt: now,
    updatedAt: now,
    costUsd: 0,
    tokens: 0,
  };
}

/** The summary after `event`: title from the first user message, status, cost and tokens. */
export function summarize(summary: ConversationSummary, event: Event): ConversationSummary {
  const next = { ...summary, updatedAt: later(summary.updatedAt, event.timestamp) };
  switch (event.type) {
    case 'message':
      if (event.source === 'user' && summary.title === UNTITLED) next.title = shortenTitle(event.text);
      return next;
    case 'agent_state_changed':
      next.status = event.state;
      return next;
    case 'llm_usage':
      // `total` is the conversation's running total, so the last one wins.
      next.costUsd = event.total.costUsd;
      next.tokens = event.total.inputTokens + event.total.outputTokens;
      return next;
    case 'action':
    case 'observation':
    case 'confirmation':
    case 'condensation':
    case 'error':
      return next;
  }
}

/** One line of at most {@link MAX_TITLE_LENGTH} characters. */
export function shortenTitle(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return UNTITLED;
  if (line.length <= MAX_TITLE_LENGTH) return line;
  const cut = line.slice(0, MAX_TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}
