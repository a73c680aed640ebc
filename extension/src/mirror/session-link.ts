/**
 * @module Feeds the session's events to the mirror: starts it with the upload manifest right
 * after the workspace reached a new sandbox (or with no baseline when a live conversation is
 * reopened), and clears it when the conversation is dropped.
 */
import type { Event, SandboxInfo } from '@handoff/protocol';
import type { Subscribe } from '../common/emitter';
import { toDisposable } from '../common/lifecycle';
import type { DisposableLike } from '../common/lifecycle';
import { SOLVE_SANDBOX_LABEL } from '../solve/solve-types';
import type { MirrorService } from './mirror-service';

/** The part of the session the mirror listens to. */
export interface MirrorEventSource {
  onDidReceiveEvent: Subscribe<Event>;
  onDidReset: Subscribe<undefined>;
  onDidUploadWorkspace: Subscribe<{ sandbox: SandboxInfo; files: ReadonlyMap<string, string> }>;
  onDidChangeConversation: Subscribe<{ sandboxId: string; readOnly: boolean } | undefined>;
  uploadManifest(): { sandbox: SandboxInfo } | undefined;
  liveSandbox(): SandboxInfo | undefined;
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
    session.onDidUploadWorkspace(({ sandbox, files }) => {
      mirror.start(sandbox, new Map(files));
    }),
    session.onDidChangeConversation((shown) => {
      // A reopened live conversation has no upload of its own: no baseline, so a local file that
      // differs from the agent's version is a conflict rather than overwritten. A solve's sandbox
      // works on a clone of the GitHub repository, not on this folder: it is never mirrored.
      const sandbox = session.liveSandbox();
      if (!shown || shown.readOnly || !sandbox || session.uploadManifest()?.sandbox.id === shown.sandboxId)
        return;
      if (sandbox.labels[SOLVE_SANDBOX_LABEL] !== undefined) return;
      mirror.start(sandbox, new Map());
    }),
  ];
  return toDisposable(() => {
    for (const subscription of subscriptions) subscription.dispose();
  });
}
