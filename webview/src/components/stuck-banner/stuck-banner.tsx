/** Stuck detection stopped the agent; says so, and how to go on. */
export function StuckBanner({ reason }: { reason: string | undefined }) {
  return (
    <div className="stuck-banner" role="status" data-testid="stuck-banner" title={reason}>
      The agent was stopped because it was repeating itself. Send a message to continue, ideally with a hint
      on what to try differently.
    </div>
  );
}
