import type { FileEditorCommand } from '@handoff/protocol';
import type { CardProps } from './card-props';
import { ObservationView } from './observation-view';
import { PendingIndicator } from './pending-indicator';
import { RiskBadge } from './risk-badge';

/** What each editor command is called in the card. */
const COMMAND_LABELS = {
  view: 'View',
  create: 'Create',
  str_replace: 'Edit',
  insert: 'Insert',
  undo_edit: 'Undo edit',
} satisfies Record<FileEditorCommand, string>;

/** `str_replace_editor`: the command and the file, then the diff, the output or the refusal. */
export function FileEditorCard({
  event,
  action,
  observation,
  awaitingConfirmation,
}: CardProps<'file_editor'>) {
  const result = observation?.observation;
  const failed = result?.type === 'tool_error' || (result?.type === 'file_editor' && result.isError);
  return (
    <article
      className={failed ? 'card action-card card-failed' : 'card action-card'}
      data-testid="event-action"
      data-action-type="file_editor"
      data-command={action.command}
      data-error={failed ? 'true' : 'false'}
    >
      <header className="card-header">
        <span className="card-title">{COMMAND_LABELS[action.command]}</span>
        <RiskBadge risk={event.securityRisk} />
        <span className="editor-path" data-testid="editor-path" title={action.path}>
          {action.path}
        </span>
        {action.command === 'view' && action.viewRange && (
          <span className="card-subtitle">
            lines {action.viewRange[0]}–{action.viewRange[1] === -1 ? 'end' : action.viewRange[1]}
          </span>
        )}
        {action.command === 'insert' && action.insertLine !== undefined && (
          <span className="card-subtitle">after line {action.insertLine}</span>
        )}
      </header>
      {event.thought && <p className="thought">{event.thought}</p>}
      {result ? (
        <ObservationView observation={result} />
      ) : (
        <PendingIndicator awaitingConfirmation={awaitingConfirmation} workingLabel="Working…" />
      )}
    </article>
  );
}
