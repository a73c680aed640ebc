import type { CardProps } from './card-props';
import { ObservationView } from './observation-view';
import { PendingIndicator } from './pending-indicator';
import { RiskBadge } from './risk-badge';

/** `C-c`, `C-d`, …: a key sent to the running command (OpenHands' convention). */
function isControlKey(command: string): boolean {
  const trimmed = command.trim();
  return trimmed.startsWith('C-') && trimmed.length === 3;
}

/** How the call reads in the card: a command, input or a key for the running one, or a poll. */
function CommandLine({ action }: Pick<CardProps<'run_command'>, 'action'>) {
  if (action.command.trim() === '') {
    return (
      <p className="command-note" data-testid="action-command" data-kind="poll">
        Waiting for more output from the running command
      </p>
    );
  }
  const kind = isControlKey(action.command) ? 'key' : action.isInput === true ? 'input' : 'command';
  return (
    <pre className="command" data-testid="action-command" data-kind={kind}>
      <span className="prompt" aria-hidden="true">
        {kind === 'command' ? '$ ' : kind === 'key' ? '⌨ ' : '> '}
      </span>
      {kind === 'key' ? `Ctrl+${action.command.trim().slice(-1).toUpperCase()}` : action.command}
    </pre>
  );
}

/** `execute_bash`: the command (or input for the running one), then its output and status. */
export function ExecuteBashCard({
  event,
  action,
  observation,
  awaitingConfirmation,
}: CardProps<'run_command'>) {
  const session = action.session ?? 'default';
  return (
    <article className="card action-card" data-testid="event-action" data-action-type="run_command">
      <header className="card-header">
        <span className="card-title">{event.toolName}</span>
        <RiskBadge risk={event.securityRisk} />
        {session !== 'default' && (
          <span className="card-badge" data-testid="action-session">
            session {session}
          </span>
        )}
        {action.timeoutSec !== undefined && (
          <span className="card-subtitle">timeout {action.timeoutSec}s</span>
        )}
        {action.cwd && <span className="card-subtitle">in {action.cwd}</span>}
      </header>
      {event.thought && <p className="thought">{event.thought}</p>}
      <CommandLine action={action} />
      {observation ? (
        <ObservationView observation={observation.observation} />
      ) : (
        <PendingIndicator awaitingConfirmation={awaitingConfirmation} workingLabel="Running…" />
      )}
    </article>
  );
}
