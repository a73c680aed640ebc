/** What a card shows while its observation has not arrived: working, or waiting for the user. */
export function PendingIndicator({
  awaitingConfirmation,
  workingLabel,
}: {
  awaitingConfirmation: boolean;
  workingLabel: string;
}) {
  if (awaitingConfirmation) {
    return (
      <div
        className="pending pending-confirmation"
        data-testid="action-pending"
        data-awaiting-confirmation="true"
      >
        Waiting for your confirmation
      </div>
    );
  }
  return (
    <div className="pending" data-testid="action-pending">
      <vscode-progress-ring className="pending-spinner" aria-hidden="true" /> {workingLabel}
    </div>
  );
}
