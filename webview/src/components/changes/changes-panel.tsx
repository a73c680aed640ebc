import type { EditMode, MirroredChange } from '@handoff/protocol';

/** What the changes panel needs. */
export interface ChangesPanelProps {
  mode: EditMode;
  changes: readonly MirroredChange[];
  onOpen: (path: string) => void;
  /** Accept these paths, or every pending change when `paths` is absent. */
  onAccept: (paths?: string[]) => void;
  /** Reject these paths, or every pending change when `paths` is absent. */
  onReject: (paths?: string[]) => void;
}

const KIND_LETTERS = { created: 'A', modified: 'M', deleted: 'D' } satisfies Record<
  MirroredChange['kind'],
  string
>;

const STATE_LABELS = {
  pending: 'waiting for review',
  applied: 'applied',
  rejected: 'rejected',
  conflict: 'conflict',
} satisfies Record<MirroredChange['state'], string>;

/** Whether the user still has to decide about a change. */
function undecided(change: MirroredChange): boolean {
  return change.state === 'pending' || change.state === 'conflict';
}

type ChangeHandlers = Omit<ChangesPanelProps, 'mode' | 'changes'>;

/** Open diff always; Accept and Reject (Overwrite and Keep mine for a conflict) until decided. */
function ChangeActions({ change, onOpen, onAccept, onReject }: { change: MirroredChange } & ChangeHandlers) {
  const conflict = change.state === 'conflict';
  return (
    <div className="change-actions">
      <vscode-button
        appearance="secondary"
        data-testid="change-open"
        aria-label={`Open the diff of ${change.path}`}
        onClick={() => {
          onOpen(change.path);
        }}
      >
        Open diff
      </vscode-button>
      {undecided(change) && (
        <>
          <vscode-button
            data-testid="change-accept"
            aria-label={
              conflict ? `Overwrite ${change.path} with the agent's version` : `Accept ${change.path}`
            }
            onClick={() => {
              onAccept([change.path]);
            }}
          >
            {conflict ? 'Overwrite' : 'Accept'}
          </vscode-button>
          <vscode-button
            appearance="secondary"
            data-testid="change-reject"
            aria-label={conflict ? `Keep your version of ${change.path}` : `Reject ${change.path}`}
            onClick={() => {
              onReject([change.path]);
            }}
          >
            {conflict ? 'Keep mine' : 'Reject'}
          </vscode-button>
        </>
      )}
    </div>
  );
}

function ChangeRow({ change, ...handlers }: { change: MirroredChange } & ChangeHandlers) {
  return (
    <li
      className={`change change-state-${change.state}`}
      data-testid="change"
      data-path={change.path}
      data-kind={change.kind}
      data-state={change.state}
    >
      <div className="change-line">
        <span className={`change-kind change-${change.kind}`} title={change.kind} aria-label={change.kind}>
          {KIND_LETTERS[change.kind]}
        </span>
        <span className="change-path" title={change.path}>
          {change.path}
        </span>
        <span className="change-state">{STATE_LABELS[change.state]}</span>
      </div>
      {change.state === 'conflict' && (
        <p className="change-conflict" data-testid="change-conflict" role="note">
          You changed this file locally since it was uploaded, so the agent's version was not written. Open
          the diff to compare; Overwrite replaces your version with the agent's, Keep mine leaves it.
        </p>
      )}
      <ChangeActions change={change} {...handlers} />
    </li>
  );
}

function summary(mode: EditMode, changes: readonly MirroredChange[]): string {
  const files = changes.length === 1 ? '1 file' : `${String(changes.length)} files`;
  const pending = changes.filter((change) => change.state === 'pending').length;
  const conflicts = changes.filter((change) => change.state === 'conflict').length;
  const parts = [`${files} changed`];
  if (pending > 0) parts.push(`${String(pending)} to review`);
  if (conflicts > 0) parts.push(conflicts === 1 ? '1 conflict' : `${String(conflicts)} conflicts`);
  return `${parts.join(', ')} · ${mode === 'review' ? 'review mode' : 'applied as they happen'}`;
}

/** The agent's changes to the local workspace: review them one by one or all at once. */
export function ChangesPanel(props: ChangesPanelProps) {
  const { mode, changes, onAccept, onReject } = props;
  if (changes.length === 0) return null;
  const hasPending = changes.some((change) => change.state === 'pending');
  return (
    <details className="changes" data-testid="changes" data-mode={mode} open>
      <summary className="changes-summary">{summary(mode, changes)}</summary>
      <ul className="changes-list" aria-label="Changed files">
        {changes.map((change) => (
          <ChangeRow
            key={change.path}
            change={change}
            onOpen={props.onOpen}
            onAccept={onAccept}
            onReject={onReject}
          />
        ))}
      </ul>
      {hasPending && (
        <div className="changes-all">
          <vscode-button
            data-testid="accept-all"
            aria-label="Accept all pending changes"
            onClick={() => {
              onAccept();
            }}
          >
            Accept all
          </vscode-button>
          <vscode-button
            appearance="secondary"
            data-testid="reject-all"
            aria-label="Reject all pending changes"
            onClick={() => {
              onReject();
            }}
          >
            Reject all
          </vscode-button>
        </div>
      )}
    </details>
  );
}
