/**
 * @module The chat's whole state, fed by host notifications and the user's requests. Lives
 * outside React (components read it with `useSyncExternalStore`) so that it is subscribed
 * before `webview/ready` goes out and no replayed notification can be missed.
 */
import type { ConfirmRequest, ConnectionStatus, Event } from '@handoff/protocol';
import { HostRequestError } from '../host/host-client';
import type { HostClient } from '../host/host-client';
import { applyEvent, initialConversationState } from './conversation-reducer';
import type { ConversationState } from './conversation-reducer';
import { applyStreamDelta } from './streaming';
import type { StreamDelta, StreamingResponse } from './streaming';

/** Everything the chat renders. */
export interface ChatState {
  readonly conversation: ConversationState;
  /** The response the model is generating now; cleared by the next event. */
  readonly streaming: StreamingResponse | undefined;
  readonly connection: { readonly status: ConnectionStatus; readonly message?: string | undefined };
  /** A `conversation/start` is in flight. */
  readonly starting: boolean;
  /** Set once a start succeeded; cleared by a reset. */
  readonly conversationId: string | undefined;
  /** The error banner's text, until dismissed. */
  readonly error: string | undefined;
}

/** Every way the chat state changes. */
export type ChatAction =
  | { type: 'event'; event: Event }
  | { type: 'stream_delta'; delta: StreamDelta }
  | { type: 'reset' }
  | { type: 'status'; status: ConnectionStatus; message?: string | undefined }
  | { type: 'start_requested' }
  | { type: 'started'; conversationId: string }
  | { type: 'request_failed'; message: string }
  | { type: 'dismiss_error' };

/** The state before the host has said anything. */
export const initialChatState: ChatState = {
  conversation: initialConversationState,
  streaming: undefined,
  connection: { status: 'idle' },
  starting: false,
  conversationId: undefined,
  error: undefined,
};

/** The chat's pure reducer. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'event':
      // The complete message or action has arrived: it replaces the text streamed before it.
      return { ...state, conversation: applyEvent(state.conversation, action.event), streaming: undefined };
    case 'stream_delta':
      return { ...state, streaming: applyStreamDelta(state.streaming, action.delta) };
    case 'reset':
      return { ...initialChatState, connection: state.connection, starting: state.starting };
    case 'status':
      return {
        ...state,
        connection: { status: action.status, message: action.message },
        error:
          action.status === 'error'
            ? (action.message ?? 'The connection to the agent failed.')
            : action.status === 'connected'
              ? undefined
              : state.error,
      };
    case 'start_requested':
      return { ...state, starting: true, error: undefined };
    case 'started':
      return { ...state, starting: false, conversationId: action.conversationId };
    case 'request_failed':
      return { ...state, starting: false, error: action.message };
    case 'dismiss_error':
      return { ...state, error: undefined };
  }
}

const LIVE_STATUSES: readonly ConnectionStatus[] = ['connecting', 'connected', 'reconnecting'];

/** True when a message should continue the conversation rather than start a new one. */
export function hasConversation(state: ChatState): boolean {
  return (
    state.conversationId !== undefined ||
    state.conversation.events.length > 0 ||
    LIVE_STATUSES.includes(state.connection.status)
  );
}

/** True while the composer must wait (a sandbox is being started). */
export function isStarting(state: ChatState): boolean {
  return state.starting || state.connection.status === 'starting_sandbox';
}

/** Holds the {@link ChatState} and turns user intents into host requests. */
export class ChatStore {
  private state: ChatState = initialChatState;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribes: (() => void)[];

  constructor(private readonly client: Pick<HostClient, 'request' | 'onNotification'>) {
    this.unsubscribes = [
      client.onNotification('conversation/event', ({ event }) => {
        this.dispatch({ type: 'event', event });
      }),
      client.onNotification('conversation/streamDelta', (delta) => {
        this.dispatch({ type: 'stream_delta', delta });
      }),
      client.onNotification('conversation/reset', () => {
        this.dispatch({ type: 'reset' });
      }),
      client.onNotification('connection/status', ({ status, message }) => {
        this.dispatch({ type: 'status', status, message });
      }),
    ];
  }

  /** The current state (stable between changes, as `useSyncExternalStore` needs). */
  readonly getState = (): ChatState => this.state;

  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts a conversation with `text`, or sends it to the running one. */
  async send(text: string): Promise<void> {
    if (hasConversation(this.state)) {
      await this.guard(async () => {
        await this.client.request('conversation/sendMessage', { text });
      });
      return;
    }
    this.dispatch({ type: 'start_requested' });
    await this.guard(async () => {
      const { conversationId } = await this.client.request('conversation/start', { text });
      this.dispatch({ type: 'started', conversationId });
    });
  }

  /** Asks the agent to stop its current step. */
  async interrupt(): Promise<void> {
    await this.guard(async () => {
      await this.client.request('conversation/interrupt', {});
    });
  }

  /** Accepts or rejects the actions awaiting confirmation; a rejection may say why. */
  async confirm(request: ConfirmRequest): Promise<void> {
    await this.guard(async () => {
      await this.client.request('conversation/confirm', request);
    });
  }

  /** Pauses the agent. */
  async pause(): Promise<void> {
    await this.guard(async () => {
      await this.client.request('conversation/pause', {});
    });
  }

  /** Lets a paused agent continue. */
  async resume(): Promise<void> {
    await this.guard(async () => {
      await this.client.request('conversation/resume', {});
    });
  }

  /** Hides the error banner. */
  dismissError(): void {
    this.dispatch({ type: 'dismiss_error' });
  }

  /** Stops listening to the host. */
  dispose(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.listeners.clear();
  }

  private async guard(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const message =
        error instanceof HostRequestError || error instanceof Error ? error.message : String(error);
      this.dispatch({ type: 'request_failed', message });
    }
  }

  private dispatch(action: ChatAction): void {
    this.state = chatReducer(this.state, action);
    for (const listener of [...this.listeners]) listener();
  }
}
