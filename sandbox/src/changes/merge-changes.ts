import type { WorkspaceChange } from '@handoff/protocol';

/**
 * Folds `later` changes into `earlier` ones (both since the same reported state) so one path
 * appears once: created then modified is still created, created then deleted is nothing,
 * deleted then created is modified. Returns the result sorted by path.
 */
export function mergeChanges(
  earlier: readonly WorkspaceChange[],
  later: readonly WorkspaceChange[],
): WorkspaceChange[] {
  const byPath = new Map<string, WorkspaceChange>(earlier.map((change) => [change.path, change]));
  for (const change of later) {
    const before = byPath.get(change.path);
    const merged = before === undefined ? change : fold(before, change);
    if (merged === undefined) byPath.delete(change.path);
    else byPath.set(change.path, merged);
  }
  return sortChanges([...byPath.values()]);
}

/** Sorts changes by path, by UTF-16 code unit (the same on every machine). */
export function sortChanges(changes: WorkspaceChange[]): WorkspaceChange[] {
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function fold(before: WorkspaceChange, after: WorkspaceChange): WorkspaceChange | undefined {
  if (before.kind === 'created') return after.kind === 'deleted' ? undefined : { ...after, kind: 'created' };
  if (before.kind === 'deleted' && after.kind !== 'deleted') return { ...after, kind: 'modified' };
  return after;
}
