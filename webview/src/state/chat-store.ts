/**
 * @module Holds the chat state, fed by host notifications and the user's requests. Lives
 * outside React (components read it with `useSyncExternalStore`) so that it is subscribed
 * before `webview/ready` goes out and no replayed notification can be missed.
 */
import type { ConfirmRequest, WebviewRequestName, WebviewRequestParams } from '@handoff/protocol';
import type { HostClient } from '../host/host-client';
import { chatReducer, hasConversation, initialChatState } from './chat-reducer';
import type { ChatAction, ChatState } from './chat-reducer';

/** Requests that take nothing back but `{}`: the store sends them and reports failures. */
type PlainRequest = Exclude<WebviewRequestName, 'conversation/start' | 'history/list' | 'conversation/open'>;

/** Holds the {@link ChatState} and turns user intents into host requests. */
export class ChatStore {
  private state: ChatState = initialChatState;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribes: (() => void)[];

  constructor(private readonly client: Pick<HostClient, 'request' | 'onNotification'>) {
    const on = client.onNotification.bind(client);
    this.unsubscribes = [
      on('conversation/event', ({ event }) => {
        this.dispatch({ type: 'event', event });
      }),
      on('conversation/streamDelta', (delta) => {
        this.dispatch({ type: 'stream_delta', delta });
      }),
      on('conversation/reset', () => {
        this.dispatch({ type: 'reset' });
      }),
      on('connection/status', ({ status, message }) => {
        this.dispatch({ type: 'status', status, message });
      }),
      on('history/updated', ({ items }) => {
        this.dispatch({ type: 'history', items });
      }),
      on('changes/updated', (changes) => {
        this.dispatch({ type: 'changes', changes });
      }),
      on('workspace/status', (workspace) => {
        this.dispatch({ type: 'workspace', workspace });
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

  /** Starts a conversation with `text`, or sends it to the shown one. */
  async send(text: string): Promise<void> {
    if (hasConversation(this.state)) {
      await this.plain('conversation/sendMessage', { text });
      return;
    }
    this.dispatch({ type: 'start_requested' });
    await this.guard(async () => {
      const { conversationId } = await this.client.request('conversation/start', { text });
      this.dispatch({ type: 'started', conversationId });
    });
  }

  /** Empties the view; the next message starts a new conversation. */
  newConversation(): void {
    this.dispatch({ type: 'new_conversation' });
  }

  /** Asks the host for the history list (it also pushes `history/updated` on every change). */
  async refreshHistory(): Promise<void> {
    await this.guard(async () => {
      const { items } = await this.client.request('history/list', {});
      this.dispatch({ type: 'history', items });
    });
  }

  /** Shows a past or current conversation with its full history (the host resets and replays). */
  async open(conversationId: string): Promise<void> {
    this.dispatch({ type: 'open_requested', conversationId });
    await this.guard(async () => {
      await this.client.request('conversation/open', { conversationId });
      this.dispatch({ type: 'opened', conversationId });
    });
  }

  /** Asks the agent to stop its current step. */
  interrupt = (): Promise<void> => this.plain('conversation/interrupt', {});
  /** Accepts or rejects the actions awaiting confirmation; a rejection may say why. */
  confirm = (request: ConfirmRequest): Promise<void> => this.plain('conversation/confirm', request);
  /** Pauses the agent. */
  pause = (): Promise<void> => this.plain('conversation/pause', {});
  /** Lets a paused agent continue. */
  resume = (): Promise<void> => this.plain('conversation/resume', {});
  /** Shows a change in VS Code's diff editor. */
  openChange = (path: string): Promise<void> => this.plain('changes/open', { path });
  /** Writes changes locally: these paths, or every pending one. */
  acceptChanges = (paths?: string[]): Promise<void> =>
    this.plain('changes/accept', paths === undefined ? {} : { paths });
  /** Leaves the local files as they are: these paths, or every pending one. */
  rejectChanges = (paths?: string[]): Promise<void> =>
    this.plain('changes/reject', paths === undefined ? {} : { paths });

  /** Hides the error banner. */
  dismissError(): void {
    this.dispatch({ type: 'dismiss_error' });
  }

  /** Stops listening to the host. */
  dispose(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.listeners.clear();
  }

  private async plain<M extends PlainRequest>(method: M, params: WebviewRequestParams<M>): Promise<void> {
    await this.guard(async () => {
      await this.client.request(method, params);
    });
  }

  private async guard(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.dispatch({ type: 'request_failed', message });
    }
  }

  private dispatch(action: ChatAction): void {
    this.state = chatReducer(this.state, action);
    for (const listener of [...this.listeners]) listener();
  }
}
