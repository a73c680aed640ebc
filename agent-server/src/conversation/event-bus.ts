import type { Event, StreamDeltaFrame } from '@handoff/protocol';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';

/** Receives the events of one conversation as they are appended. */
export type EventListener = (event: Event) => void;

/** Why a conversation's stream ended for its subscribers. */
export interface StreamEnd {
  /** The socket close code that says it (e.g. `CONVERSATION_DELETED`). */
  code: number;
  /** A sentence for the client. */
  reason: string;
}

/** One follower of a conversation: its stored events, its live deltas, and the end of it. */
export interface Subscriber {
  /** A stored event, in `seq` order. */
  event: EventListener;
  /** Text the model is generating right now (never stored). */
  delta?: (frame: StreamDeltaFrame) => void;
  /** The conversation is gone; no more events will come. */
  end?: (end: StreamEnd) => void;
}

/** Thrown by {@link EventBus.subscribe} when a conversation already has the most subscribers allowed. */
export class TooManySubscribersError extends Error {
  override readonly name = 'TooManySubscribersError';
}

/** How to build an {@link EventBus}. */
export interface EventBusOptions {
  /** Most subscribers per conversation (OpenHands `pub_sub.py` caps them too). */
  maxSubscribersPerConversation?: number;
  /** Where a throwing subscriber is reported. */
  logger?: Logger;
}

/**
 * In-process pub/sub per conversation: stored events, ephemeral stream deltas, and the end of a
 * conversation. A subscriber that throws is logged and kept; it cannot stop delivery to others.
 */
export class EventBus {
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  readonly #max: number;
  readonly #logger: Logger;

  constructor(options: EventBusOptions = {}) {
    this.#max = options.maxSubscribersPerConversation ?? 64;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Adds a subscriber (a bare listener receives events only); returns the function that removes it. */
  subscribe(conversationId: string, subscriber: Subscriber | EventListener): () => void {
    let set = this.#subscribers.get(conversationId);
    if (set === undefined) {
      set = new Set();
      this.#subscribers.set(conversationId, set);
    }
    if (set.size >= this.#max) {
      throw new TooManySubscribersError(
        `Conversation ${conversationId} already has ${this.#max} subscribers.`,
      );
    }
    // A fresh object per call, so the same listener subscribed twice is two subscribers.
    const entry: Subscriber = typeof subscriber === 'function' ? { event: subscriber } : { ...subscriber };
    set.add(entry);
    const owned = set;
    return () => {
      owned.delete(entry);
      if (owned.size === 0 && this.#subscribers.get(conversationId) === owned)
        this.#subscribers.delete(conversationId);
    };
  }

  /** Delivers a stored event to every subscriber of its conversation, synchronously. */
  publish(conversationId: string, event: Event): void {
    this.#each(conversationId, 'event', (s) => {
      s.event(event);
    });
  }

  /** Delivers a stream delta to the live subscribers of a conversation. */
  publishDelta(conversationId: string, frame: StreamDeltaFrame): void {
    this.#each(conversationId, 'delta', (s) => s.delta?.(frame));
  }

  /** Tells every subscriber the conversation is gone and forgets them. */
  end(conversationId: string, end: StreamEnd): void {
    this.#each(conversationId, 'end', (s) => s.end?.(end));
    this.#subscribers.delete(conversationId);
  }

  /** How many subscribers a conversation has. */
  subscriberCount(conversationId: string): number {
    return this.#subscribers.get(conversationId)?.size ?? 0;
  }

  #each(conversationId: string, what: string, deliver: (subscriber: Subscriber) => void): void {
    const set = this.#subscribers.get(conversationId);
    if (set === undefined) return;
    for (const subscriber of [...set]) {
      try {
        deliver(subscriber);
      } catch (error) {
        this.#logger.error('Event subscriber failed', { conversationId, what, error });
      }
    }
  }
}
