/** The error banner above the composer; shows one message until dismissed. */
export function ErrorBanner({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-banner-text">{message}</span>
      <vscode-button
        appearance="icon"
        aria-label="Dismiss"
        title="Dismiss"
        data-testid="error-banner-dismiss"
        onClick={onDismiss}
      >
        <span aria-hidden="true">✕</span>
      </vscode-button>
    </div>
  );
}
