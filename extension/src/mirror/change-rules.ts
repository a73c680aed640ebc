/**
 * @module The mirror's rules as pure functions: when a local file may be overwritten, and how
 * successive changes to one path read in the change list.
 */
import type { MirroredChange, WorkspaceChange } from '@handoff/protocol';

/** What to do with the agent's version of one file. */
export type Decision =
  /** The local file is what the mirror last knew: write the agent's version. */
  | 'write'
  /** The local file already is the agent's version: nothing to write. */
  | 'already'
  /** The user changed (or deleted, or created) the local file since: never overwrite silently. */
  | 'conflict';

/**
 * Decides from three hashes; `undefined` means "no such file". `expected` is the baseline: the
 * uploaded hash, or what the mirror wrote last.
 */
export function decide(
  local: string | undefined,
  expected: string | undefined,
  agent: string | undefined,
): Decision {
  if (local === agent) return 'already';
  if (local === expected) return 'write';
  return 'conflict';
}

/**
 * The kind shown for a path whose earlier change is still waiting: a file the agent created and
 * then edited is still "created"; one it created and deleted again cancels out (`undefined`).
 */
export function mergeKind(
  previous: MirroredChange | undefined,
  next: WorkspaceChange['kind'],
): WorkspaceChange['kind'] | undefined {
  const waiting = previous && (previous.state === 'pending' || previous.state === 'conflict');
  if (!waiting || previous.kind !== 'created') return next;
  if (next === 'deleted') return undefined;
  return 'created';
}

/** Changes sorted by path, as `changes/updated` carries them. */
export function sortByPath(changes: Iterable<MirroredChange>): MirroredChange[] {
  return [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
