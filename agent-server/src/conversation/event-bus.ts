import type { Event } from '@handoff/protocol';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';

/** Receives the events of one conversation as they are appended. */
export type EventListener = (event: Event) => void;

/** Thrown by {@link EventBus.subscribe} when a conversation already has the most subscribers allowed. */
export class TooManySubscribersError extends Error {
  override readonly name = 'TooManySubscribersError';
}

/** How to build an {@link EventBus}. */
export interface EventBusOptions {
  /** Most subscribers per conversation (OpenHands `pub_sub.py` caps them too). */
  maxSubscribersPerConversation?: number;
  /** Where a throwing listener is reported. */
  logger?: Logger;
}

/**
 * In-process pub/sub of appended events, per conversation. A listener that throws is logged and
 * kept; it cannot stop delivery to the others.
 */
export class EventBus {
  readonly #listeners = new Map<string, Set<EventListener>>();
  readonly #max: number;
  readonly #logger: Logger;

  constructor(options: EventBusOptions = {}) {
    this.#max = options.maxSubscribersPerConversation ?? 64;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(conversationId: string, listener: EventListener): () => void {
    let listeners = this.#listeners.get(conversationId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(conversationId, listeners);
    }
    if (listeners.size >= this.#max) {
      throw new TooManySubscribersError(
        `Conversation ${conversationId} already has ${this.#max} subscribers.`,
      );
    }
    const wrapped: EventListener = (event) => {
      listener(event);
    };
    listeners.add(wrapped);
    return () => {
      listeners.delete(wrapped);
      if (listeners.size === 0 && this.#listeners.get(conversationId) === listeners)
        this.#listeners.delete(conversationId);
    };
  }

  /** Delivers `event` to every listener of its conversation, synchronously. */
  publish(conversationId: string, event: Event): void {
    const listeners = this.#listeners.get(conversationId);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error('Event listener failed', { conversationId, seq: event.seq, error });
      }
    }
  }

  /** How many listeners a conversation has. */
  subscriberCount(conversationId: string): number {
    return this.#listeners.get(conversationId)?.size ?? 0;
  }
}
