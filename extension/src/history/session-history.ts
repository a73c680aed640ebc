/**
 * @module The two ties between the session and the history: every event the session receives
 * is archived, and a conversation from the history is reopened in the session.
 */
import type { ConversationId } from '@handoff/protocol';
import type { DisposableLike } from '../common/lifecycle';
import { HandoffError } from '../agent/errors';
import type { SessionService } from '../agent/session-service';
import type { HistoryService } from './history-service';

/** Archives each event of the conversation on show, as the session receives it. */
export function recordSessionHistory(
  session: Pick<SessionService, 'onDidReceiveEvent' | 'current'>,
  history: Pick<HistoryService, 'record'>,
): DisposableLike {
  return session.onDidReceiveEvent((event) => {
    const shown = session.current();
    if (shown) history.record(shown, event);
  });
}

/**
 * Shows a past conversation in the session: from its sandbox when it still exists (resumed if
 * paused), else from the archive, read-only. The history learns whether the sandbox is live.
 */
export async function openConversation(
  services: {
    session: Pick<SessionService, 'open'>;
    history: Pick<HistoryService, 'get' | 'events' | 'setLive'>;
  },
  conversationId: ConversationId,
): Promise<void> {
  const { session, history } = services;
  const summary = await history.get(conversationId);
  if (!summary)
    throw new HandoffError('conversation_not_found', 'This conversation is not in the history on this machine.');
  const reopened = await session.open(summary, () => history.events(conversationId));
  if (reopened !== 'unknown') await history.setLive(conversationId, reopened === 'live');
}

/** The history as the chat view uses it: the list, and reopening through the session. */
export function historyForChat(
  history: Pick<HistoryService, 'list' | 'refreshLive' | 'onDidChange' | 'get' | 'events' | 'setLive'>,
  session: Pick<SessionService, 'open'>,
): Pick<HistoryService, 'list' | 'refreshLive' | 'onDidChange'> & {
  open(conversationId: ConversationId): Promise<void>;
} {
  return {
    list: () => history.list(),
    refreshLive: () => history.refreshLive(),
    onDidChange: history.onDidChange,
    open: (conversationId) => openConversation({ session, history }, conversationId),
  };
}
