/**
 * @module Wires a {@link SessionService} to one webview's bridge: requests go to the session,
 * session events go to the webview, and a (re)loaded webview gets the whole conversation again.
 */
import type { SessionService } from '../agent/session-service';
import type { DisposableLike } from '../common/lifecycle';
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
  | 'onDidReceiveEvent'
  | 'onDidReceiveStreamDelta'
  | 'onDidChangeStatus'
  | 'onDidReset'
>;

/** The request handlers of the chat view: each one delegates to the session. */
export function chatRequestHandlers(session: ChatSession): WebviewRequestHandlers {
  return {
    'conversation/start': async ({ text }) => session.start(text),
    'conversation/sendMessage': async ({ text }) => {
      await session.sendMessage(text);
      return {};
    },
    'conversation/interrupt': async () => {
      await session.interrupt();
      return {};
    },
    'conversation/confirm': async (request) => {
      await session.confirm(request);
      return {};
    },
    'conversation/pause': async () => {
      await session.pause();
      return {};
    },
    'conversation/resume': async () => {
      await session.resume();
      return {};
    },
  };
}

/**
 * Replays the session into a webview that just announced itself: reset, status, every event,
 * then the text of the response being generated now.
 */
export function replaySession(session: ChatSession, bridge: Pick<WebviewBridge, 'notify'>): void {
  const { status, events, streaming } = session.snapshot();
  bridge.notify('conversation/reset', {});
  bridge.notify('connection/status', status);
  for (const event of events) bridge.notify('conversation/event', { event });
  for (const delta of streaming) bridge.notify('conversation/streamDelta', delta);
}

/** Relays the session's notifications to the bridge until disposed. */
export function relaySession(
  session: ChatSession,
  bridge: Pick<WebviewBridge, 'notify' | 'onDidBecomeReady'>,
): DisposableLike[] {
  return [
    bridge.onDidBecomeReady(() => {
      replaySession(session, bridge);
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
  ];
}
