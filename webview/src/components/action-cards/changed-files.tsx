import type { WorkspaceChange } from '@handoff/protocol';

/** git-status style letter and a word for screen readers, per kind of change. */
const CHANGE_KINDS = {
  created: { letter: 'A', label: 'created' },
  modified: { letter: 'M', label: 'modified' },
  deleted: { letter: 'D', label: 'deleted' },
} satisfies Record<WorkspaceChange['kind'], { letter: string; label: string }>;

/** The workspace files an action created, modified or deleted, one compact line each. */
export function ChangedFiles({ changes }: { changes: readonly WorkspaceChange[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="changed-files" data-testid="changed-files" aria-label="Changed files">
      {changes.map((change) => {
        const kind = CHANGE_KINDS[change.kind];
        return (
          <li key={change.path} className="changed-file" data-kind={change.kind}>
            <span className={`change-kind change-${change.kind}`} title={kind.label} aria-label={kind.label}>
              {kind.letter}
            </span>
            <span className="change-path">{change.path}</span>
          </li>
        );
      })}
    </ul>
  );
}
