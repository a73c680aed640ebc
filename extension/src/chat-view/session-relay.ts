/**
 * @module Wires the extension's services to one webview's bridge: requests go to the session,
 * the history and the change review; their notifications go to the webview; and a (re)loaded
 * webview gets the whole picture again.
 */
import type { ConversationId } from '@handoff/protocol';
import type { SessionService } from '../agent/session-service';
import { HandoffError } from '../agent/errors';
import type { ChangeReview, WorkspaceStateSource } from '../common/change-review';
import type { DisposableLike } from '../common/lifecycle';
import type { HistoryService } from '../history/history-service';
import type { WebviewBridge, WebviewRequestHandlers } from './webview-bridge';

/** The session surface the chat view uses. */
export type ChatSession = Pick<
  SessionService,
  | 'start'
  | 'sendMessage'
  | 'interrupt'
  | 'confirm'
  | 'pause'
  | 'resume'
  | 'snapshot'
  | 'current'
  | 'onDidReceiveEvent'
  | 'onDidReceiveStreamDelta'
  | 'onDidChangeStatus'
  | 'onDidReset'
  | 'onDidChangeConversation'
>;

/** The history surface the chat view uses; `open` reopens a conversation in the session. */
export interface ChatHistory extends Pick<HistoryService, 'list' | 'refreshLive' | 'onDidChange'> {
  open(conversationId: ConversationId): Promise<void>;
}

/** Everything the chat view talks to. */
export interface ChatServices {
  session: ChatSession;
  history: ChatHistory;
  workspace: WorkspaceStateSource;
  /** The agent's changes to review; absent while no mirroring is wired. */
  review?: ChangeReview | undefined;
}

/** The answer to a changes/* request when there is nothing to review. */
export const NO_CHANGES_MESSAGE = 'There are no changes to review in this conversation.';

/** The request handlers of the chat view: each one delegates to a service. */
export function chatRequestHandlers(services: ChatServices): WebviewRequestHandlers {
  const { session, history } = services;
  const done = async (work: Promise<unknown>): Promise<Record<string, never>> => {
    await work;
    return {};
  };
  const review = (): ChangeReview => {
    if (!services.review) throw new HandoffError('path_not_found', NO_CHANGES_MESSAGE);
    return services.review;
  };
  return {
    'conversation/start': async ({ text }) => session.start(text),
    'conversation/sendMessage': ({ text }) => done(session.sendMessage(text)),
    'conversation/interrupt': () => done(session.interrupt()),
    'conversation/confirm': (request) => done(session.confirm(request)),
    'conversation/pause': () => done(session.pause()),
    'conversation/resume': () => done(session.resume()),
    'history/list': async () => {
      await history.refreshLive();
      return { items: history.list() };
    },
    'conversation/open': ({ conversationId }) => done(history.open(conversationId)),
    'changes/open': async ({ path }) => done(review().open(path)),
    'changes/accept': async ({ paths }) => done(review().accept(paths)),
    'changes/reject': async ({ paths }) => done(review().reject(paths)),
  };
}

type Notifier = Pick<WebviewBridge, 'notify'>;

function notifyWorkspace(services: ChatServices, bridge: Notifier): void {
  bridge.notify('workspace/status', {
    ...services.workspace.current(),
    readOnly: services.session.current()?.readOnly ?? false,
  });
}

function notifyChanges(review: ChangeReview | undefined, bridge: Notifier): void {
  if (review) bridge.notify('changes/updated', review.snapshot());
}

/**
 * Replays everything into a webview that just announced itself: workspace status, history,
 * reset, connection status, every event, the text of the response being generated now, and
 * the changes under review.
 */
export function replaySession(services: ChatServices, bridge: Notifier): void {
  const { status, events, streaming } = services.session.snapshot();
  notifyWorkspace(services, bridge);
  bridge.notify('history/updated', { items: services.history.list() });
  bridge.notify('conversation/reset', {});
  bridge.notify('connection/status', status);
  for (const event of events) bridge.notify('conversation/event', { event });
  for (const delta of streaming) bridge.notify('conversation/streamDelta', delta);
  notifyChanges(services.review, bridge);
}

/** Relays the services' notifications to the bridge until disposed. */
export function relaySession(
  services: ChatServices,
  bridge: Pick<WebviewBridge, 'notify' | 'onDidBecomeReady'>,
): DisposableLike[] {
  const { session, history, review, workspace } = services;
  return [
    bridge.onDidBecomeReady(() => {
      replaySession(services, bridge);
    }),
    session.onDidReceiveEvent((event) => {
      bridge.notify('conversation/event', { event });
    }),
    session.onDidReceiveStreamDelta((delta) => {
      bridge.notify('conversation/streamDelta', delta);
    }),
    session.onDidChangeStatus((status) => {
      bridge.notify('connection/status', status);
    }),
    session.onDidReset(() => {
      bridge.notify('conversation/reset', {});
    }),
    session.onDidChangeConversation(() => {
      notifyWorkspace(services, bridge);
    }),
    workspace.onDidChange(() => {
      notifyWorkspace(services, bridge);
    }),
    history.onDidChange(() => {
      bridge.notify('history/updated', { items: history.list() });
    }),
    ...(review
      ? [
          review.onDidChange(() => {
            notifyChanges(review, bridge);
          }),
        ]
      : []),
  ];
}
