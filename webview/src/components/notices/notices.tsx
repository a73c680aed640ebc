/** @module Banners about the link to the agent and what the workspace allows. */
import type { ConnectionStatus } from '@handoff/protocol';

/** While the link to the agent is down: reconnecting (it resumes by seq) or disconnected. */
export function ConnectionBanner({
  connection,
}: {
  connection: { status: ConnectionStatus; message?: string | undefined };
}) {
  if (connection.status !== 'reconnecting' && connection.status !== 'disconnected') return null;
  const reconnecting = connection.status === 'reconnecting';
  return (
    <div
      className={`connection-banner connection-${connection.status}`}
      data-testid="connection-banner"
      data-status={connection.status}
      role={reconnecting ? 'status' : 'alert'}
    >
      {reconnecting ? (
        <>
          <vscode-progress-ring className="status-spinner" aria-hidden="true" />
          <span>
            Connection to the agent lost. Reconnecting… The conversation picks up where it stopped, with
            nothing missed.
          </span>
        </>
      ) : (
        <span>Disconnected from the agent.{connection.message ? ` ${connection.message}` : ''}</span>
      )}
    </div>
  );
}

/** Restricted Mode: nothing is uploaded or written until the user trusts the workspace. */
export function RestrictedNotice() {
  return (
    <div className="notice restricted-notice" data-testid="restricted-notice" role="status">
      This workspace is not trusted: Handoff won't upload it or write the agent's changes until you trust it.
    </div>
  );
}

/** An archived conversation is shown read-only: its sandbox is gone. */
export function ReadOnlyNotice() {
  return (
    <div className="notice read-only-notice" data-testid="read-only-notice" role="status">
      This conversation is archived: its sandbox is gone, so it can't continue. Start a new conversation to go
      on.
    </div>
  );
}
