/**
 * @module Feeds the session's events to the mirror and clears it when the conversation is
 * dropped. Starting it (with the sandbox and the upload manifest) is the session's job, right
 * after the upload.
 */
import type { Event } from '@handoff/protocol';
import type { Subscribe } from '../common/emitter';
import { toDisposable } from '../common/lifecycle';
import type { DisposableLike } from '../common/lifecycle';
import type { MirrorService } from './mirror-service';

/** The part of the session the mirror listens to. */
export interface MirrorEventSource {
  onDidReceiveEvent: Subscribe<Event>;
  onDidReset: Subscribe<undefined>;
}

/** Subscribes `mirror` to `session`; dispose the result to stop. */
export function followSession(session: MirrorEventSource, mirror: MirrorService): DisposableLike {
  const subscriptions = [
    session.onDidReceiveEvent((event) => {
      mirror.handle(event);
    }),
    session.onDidReset(() => {
      mirror.stop();
    }),
  ];
  return toDisposable(() => {
    for (const subscription of subscriptions) subscription.dispose();
  });
}
