/**
 * @module The chat's whole state and its pure reducer: the conversation, the streamed
 * response, the connection, the history list, the agent's changes and what the workspace allows.
 */
import type { ConnectionStatus, ConversationSummary, Event, HostNotificationParams } from '@handoff/protocol';
import { applyEvent, firstUserMessage, initialConversationState } from './conversation-reducer';
import type { ConversationState } from './conversation-reducer';
import { applyStreamDelta } from './streaming';
import type { StreamDelta, StreamingResponse } from './streaming';

/** The agent's changes to the local workspace, as `changes/updated` says. */
export type ChangesState = HostNotificationParams<'changes/updated'>;
/** What the workspace allows, as `workspace/status` says. */
export type WorkspaceStatus = HostNotificationParams<'workspace/status'>;

/** Everything the chat renders. */
export interface ChatState {
  readonly conversation: ConversationState;
  /** The response the model is generating now; cleared by the next event. */
  readonly streaming: StreamingResponse | undefined;
  readonly connection: { readonly status: ConnectionStatus; readonly message?: string | undefined };
  /** A `conversation/start` is in flight. */
  readonly starting: boolean;
  /** The conversation shown: set by a start or an open; a reset keeps only one being opened. */
  readonly conversationId: string | undefined;
  /** A `conversation/open` of this conversation is in flight. */
  readonly opening: string | undefined;
  /**
   * The user pressed "New conversation": the view is empty and the next message starts one.
   * The host's conversation goes on until then, so its events are not shown meanwhile.
   */
  readonly drafting: boolean;
  /** The error banner's text, until dismissed. */
  readonly error: string | undefined;
  /** Past and current conversations, newest first. */
  readonly history: readonly ConversationSummary[];
  /** The changes of the shown conversation; undefined until the host said. */
  readonly changes: ChangesState | undefined;
  /** What the workspace allows; undefined until the host said. */
  readonly workspace: WorkspaceStatus | undefined;
}

/** Every way the chat state changes. */
export type ChatAction =
  | { type: 'event'; event: Event }
  | { type: 'stream_delta'; delta: StreamDelta }
  | { type: 'reset' }
  | { type: 'status'; status: ConnectionStatus; message?: string | undefined }
  | { type: 'start_requested' }
  | { type: 'started'; conversationId: string }
  | { type: 'open_requested'; conversationId: string }
  | { type: 'opened'; conversationId: string }
  | { type: 'new_conversation' }
  | { type: 'request_failed'; message: string }
  | { type: 'dismiss_error' }
  | { type: 'history'; items: readonly ConversationSummary[] }
  | { type: 'changes'; changes: ChangesState }
  | { type: 'workspace'; workspace: WorkspaceStatus };

/** The state before the host has said anything. */
export const initialChatState: ChatState = {
  conversation: initialConversationState,
  streaming: undefined,
  connection: { status: 'idle' },
  starting: false,
  conversationId: undefined,
  opening: undefined,
  drafting: false,
  error: undefined,
  history: [],
  changes: undefined,
  workspace: undefined,
};

function statusError(state: ChatState, status: ConnectionStatus, message: string | undefined) {
  if (status === 'error') return message ?? 'The connection to the agent failed.';
  return status === 'connected' ? undefined : state.error;
}

/** What the host's reset keeps: the connection, history, workspace and a start or open in flight. */
function reset(state: ChatState): ChatState {
  return {
    ...initialChatState,
    connection: state.connection,
    starting: state.starting,
    opening: state.opening,
    conversationId: state.opening,
    history: state.history,
    workspace: state.workspace,
  };
}

/** The chat's pure reducer. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'event':
      if (state.drafting) return state;
      // The complete message or action has arrived: it replaces the text streamed before it.
      return { ...state, conversation: applyEvent(state.conversation, action.event), streaming: undefined };
    case 'stream_delta':
      if (state.drafting) return state;
      return { ...state, streaming: applyStreamDelta(state.streaming, action.delta) };
    case 'reset':
      return reset(state);
    case 'status':
      return {
        ...state,
        connection: { status: action.status, message: action.message },
        error: statusError(state, action.status, action.message),
      };
    case 'start_requested':
      return { ...state, starting: true, drafting: false, error: undefined };
    case 'started':
      return { ...state, starting: false, conversationId: action.conversationId };
    case 'open_requested':
      return { ...state, opening: action.conversationId, drafting: false, error: undefined };
    case 'opened':
      return { ...state, opening: undefined, conversationId: action.conversationId };
    case 'new_conversation':
      return { ...reset({ ...state, opening: undefined }), drafting: true };
    case 'request_failed':
      return { ...state, starting: false, opening: undefined, error: action.message };
    case 'dismiss_error':
      return { ...state, error: undefined };
    case 'history':
      return { ...state, history: action.items };
    case 'changes':
      return { ...state, changes: action.changes };
    case 'workspace':
      return { ...state, workspace: action.workspace };
  }
}

const LIVE_STATUSES: readonly ConnectionStatus[] = ['connecting', 'connected', 'reconnecting'];

/** True when a message should continue the conversation rather than start a new one. */
export function hasConversation(state: ChatState): boolean {
  if (state.drafting) return false;
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

/** True when the shown conversation is archived (its sandbox is gone): it cannot continue. */
export function isReadOnly(state: ChatState): boolean {
  return !state.drafting && state.workspace?.readOnly === true;
}

/** The shown conversation's summary in the history, when it has one. */
export function currentSummary(state: ChatState): ConversationSummary | undefined {
  if (state.drafting || state.conversationId === undefined) return undefined;
  return state.history.find((item) => item.conversationId === state.conversationId);
}

/** The header's title: the history's, else the first message, else "New conversation". */
export function conversationTitle(state: ChatState): string {
  if (state.drafting) return 'New conversation';
  return currentSummary(state)?.title ?? firstUserMessage(state.conversation) ?? 'New conversation';
}
