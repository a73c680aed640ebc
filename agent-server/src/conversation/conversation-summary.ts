import type { AgentState, Event, LlmUsage } from '@handoff/protocol';

/** Longest title derived from a first message. */
export const MAX_DERIVED_TITLE_LENGTH = 80;

/** A title from the first user message: its first line, cut at a word near the limit. */
export function titleFromMessage(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (line.length <= MAX_DERIVED_TITLE_LENGTH) return line;
  const cut = line.slice(0, MAX_DERIVED_TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_DERIVED_TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * What the conversation's info says that follows from its events: state, last activity, the
 * derived title, agent steps and LLM usage. Fed every event in `seq` order, on load and live.
 */
export class ConversationSummary {
  state: AgentState = 'idle';
  updatedAt: string;
  derivedTitle: string | undefined;
  /** LLM calls made for agent steps. */
  iterations = 0;
  /** The conversation's running total from the latest `llm_usage` event. */
  usage: LlmUsage | undefined;

  constructor(createdAt: string) {
    this.updatedAt = createdAt;
  }

  /** Takes one more event into account. */
  observe(event: Event): void {
    this.updatedAt = event.timestamp;
    switch (event.type) {
      case 'agent_state_changed':
        this.state = event.state;
        break;
      case 'message':
        if (event.source === 'user' && this.derivedTitle === undefined)
          this.derivedTitle = titleFromMessage(event.text);
        break;
      case 'llm_usage':
        if (event.purpose === 'step') this.iterations += 1;
        this.usage = event.total;
        break;
      case 'action':
      case 'observation':
      case 'error':
      case 'confirmation':
      case 'condensation':
        break;
    }
  }
}
