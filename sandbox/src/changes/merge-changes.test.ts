import type { WorkspaceChange } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { mergeChanges } from './merge-changes';

const file = (path: string, kind: WorkspaceChange['kind'], sha = 'a'.repeat(64)): WorkspaceChange =>
  kind === 'deleted' ? { path, kind } : { path, kind, sha256: sha, size: 1, executable: false };

describe('mergeChanges', () => {
  it('keeps one change per path, sorted by path', () => {
    expect(mergeChanges([file('b', 'created')], [file('a', 'deleted'), file('c', 'modified')])).toEqual([
      file('a', 'deleted'),
      file('b', 'created'),
      file('c', 'modified'),
    ]);
  });

  it.each([
    [
      'created then modified is created, with the new content',
      'created',
      'modified',
      file('x', 'created', 'b'.repeat(64)),
    ],
    ['created then deleted is nothing', 'created', 'deleted', undefined],
    ['modified then modified is the last', 'modified', 'modified', file('x', 'modified', 'b'.repeat(64))],
    ['modified then deleted is deleted', 'modified', 'deleted', file('x', 'deleted')],
    ['deleted then created is modified', 'deleted', 'created', file('x', 'modified', 'b'.repeat(64))],
  ] as const)('%s', (_, first, second, expected) => {
    const merged = mergeChanges([file('x', first)], [file('x', second, 'b'.repeat(64))]);
    expect(merged).toEqual(expected === undefined ? [] : [expected]);
  });
});
