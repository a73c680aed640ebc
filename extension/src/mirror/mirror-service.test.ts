import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeReview } from '../common/change-review';
import { MirrorFixture } from '../testing/mirror-fixture';

let fx: MirrorFixture;
beforeEach(async () => {
  fx = await MirrorFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('apply mode', () => {
  it('writes a file the agent created, with its content and executable bit', async () => {
    fx.start();
    await fx.report(await fx.agentWrites('src/run.sh', '#!/bin/sh\necho hi\n', 'created', true));
    expect((await fx.local('src/run.sh'))?.toString()).toBe('#!/bin/sh\necho hi\n');
    expect(await fx.localExecutable('src/run.sh')).toBe(true);
    expect(fx.states()).toEqual({ 'src/run.sh': 'created:applied' });
  });

  it('writes a modification of an uploaded file and a deletion of another', async () => {
    await fx.localWrites('a.txt', 'one\n');
    await fx.localWrites('b.txt', 'gone soon\n');
    fx.start({ 'a.txt': 'one\n', 'b.txt': 'gone soon\n' });
    await fx.report(await fx.agentWrites('a.txt', 'two\n', 'modified'), await fx.agentDeletes('b.txt'));
    expect((await fx.local('a.txt'))?.toString()).toBe('two\n');
    expect(await fx.local('b.txt')).toBeUndefined();
    expect(fx.states()).toEqual({ 'a.txt': 'modified:applied', 'b.txt': 'deleted:applied' });
  });

  it('writes binary content byte for byte', async () => {
    const bytes = new Uint8Array([0, 255, 1, 254, 0x80, 0x0a, 0x0d, 0]);
    fx.start();
    await fx.report(await fx.agentWrites('img.bin', bytes));
    expect(new Uint8Array((await fx.local('img.bin'))!)).toEqual(bytes);
  });

  it('takes what it wrote as the new baseline, so the next change of that file applies too', async () => {
    fx.start();
    await fx.report(await fx.agentWrites('n.txt', 'v1'));
    await fx.report(await fx.agentWrites('n.txt', 'v2', 'modified'));
    expect((await fx.local('n.txt'))?.toString()).toBe('v2');
    expect(fx.states()).toEqual({ 'n.txt': 'modified:applied' });
  });
});

describe('conflicts', () => {
  it('never overwrites a file the user edited since the upload; accepting it overwrites', async () => {
    await fx.localWrites('a.txt', 'mine\n');
    fx.start({ 'a.txt': 'uploaded\n' });
    await fx.report(await fx.agentWrites('a.txt', 'agent\n', 'modified'));
    expect((await fx.local('a.txt'))?.toString()).toBe('mine\n');
    expect(fx.states()).toEqual({ 'a.txt': 'modified:conflict' });
    expect(Buffer.from(fx.mirror.agentContent('a.txt')!).toString()).toBe('agent\n');

    await fx.mirror.accept();
    expect((await fx.local('a.txt'))?.toString()).toBe('mine\n');
    await fx.mirror.accept(['a.txt']);
    expect((await fx.local('a.txt'))?.toString()).toBe('agent\n');
    expect(fx.states()).toEqual({ 'a.txt': 'modified:applied' });
  });

  it('reports a file the user deleted locally and the agent modified as a conflict', async () => {
    fx.start({ 'a.txt': 'uploaded\n' });
    await fx.report(await fx.agentWrites('a.txt', 'agent\n', 'modified'));
    expect(await fx.local('a.txt')).toBeUndefined();
    expect(fx.states()).toEqual({ 'a.txt': 'modified:conflict' });
  });

  it('reports a created file that exists locally with other content as a conflict, and rejecting keeps the local one', async () => {
    await fx.localWrites('new.txt', 'local\n');
    fx.start();
    await fx.report(await fx.agentWrites('new.txt', 'agent\n'));
    expect(fx.states()).toEqual({ 'new.txt': 'created:conflict' });
    await fx.mirror.reject(['new.txt']);
    expect((await fx.local('new.txt'))?.toString()).toBe('local\n');
    expect(fx.states()).toEqual({ 'new.txt': 'created:rejected' });
  });

  it('treats a local file that already has the agent content as applied', async () => {
    await fx.localWrites('same.txt', 'same\n');
    fx.start();
    await fx.report(await fx.agentWrites('same.txt', 'same\n'));
    expect(fx.states()).toEqual({ 'same.txt': 'created:applied' });
  });

  it('does not delete a file the user edited since the upload', async () => {
    await fx.localWrites('keep.txt', 'edited\n');
    fx.start({ 'keep.txt': 'uploaded\n' });
    await fx.report(await fx.agentDeletes('keep.txt'));
    expect((await fx.local('keep.txt'))?.toString()).toBe('edited\n');
    expect(fx.states()).toEqual({ 'keep.txt': 'deleted:conflict' });
  });
});

describe('review mode', () => {
  beforeEach(() => {
    fx.mode = 'review';
  });

  it('keeps changes pending until accepted, per file', async () => {
    await fx.localWrites('a.txt', 'one\n');
    fx.start({ 'a.txt': 'one\n' });
    await fx.report(
      await fx.agentWrites('a.txt', 'two\n', 'modified'),
      await fx.agentWrites('b.txt', 'new\n'),
    );
    expect((await fx.local('a.txt'))?.toString()).toBe('one\n');
    expect(await fx.local('b.txt')).toBeUndefined();
    expect(fx.mirror.snapshot()).toEqual({
      mode: 'review',
      changes: [
        { path: 'a.txt', kind: 'modified', state: 'pending' },
        { path: 'b.txt', kind: 'created', state: 'pending' },
      ],
    });

    await fx.mirror.accept(['b.txt']);
    await fx.mirror.reject(['a.txt']);
    expect((await fx.local('b.txt'))?.toString()).toBe('new\n');
    expect((await fx.local('a.txt'))?.toString()).toBe('one\n');
    expect(fx.states()).toEqual({ 'a.txt': 'modified:rejected', 'b.txt': 'created:applied' });
  });

  it('accepts all pending changes, deletions included', async () => {
    await fx.localWrites('old.txt', 'old\n');
    fx.start({ 'old.txt': 'old\n' });
    await fx.report(
      await fx.agentWrites('x.txt', 'x'),
      await fx.agentWrites('y.txt', 'y'),
      await fx.agentDeletes('old.txt'),
    );
    await fx.mirror.accept();
    expect((await fx.local('x.txt'))?.toString()).toBe('x');
    expect((await fx.local('y.txt'))?.toString()).toBe('y');
    expect(await fx.local('old.txt')).toBeUndefined();
    expect(fx.states()).toEqual({
      'old.txt': 'deleted:applied',
      'x.txt': 'created:applied',
      'y.txt': 'created:applied',
    });
  });

  it('rejects all pending changes and writes nothing', async () => {
    fx.start();
    await fx.report(await fx.agentWrites('x.txt', 'x'), await fx.agentWrites('y.txt', 'y'));
    await fx.mirror.reject();
    expect(await fx.local('x.txt')).toBeUndefined();
    expect(fx.states()).toEqual({ 'x.txt': 'created:rejected', 'y.txt': 'created:rejected' });
  });

  it('turns a pending change into a conflict when the user edits the file before accepting', async () => {
    await fx.localWrites('a.txt', 'one\n');
    fx.start({ 'a.txt': 'one\n' });
    await fx.report(await fx.agentWrites('a.txt', 'two\n', 'modified'));
    await fx.localWrites('a.txt', 'my edit\n');
    await fx.mirror.accept();
    expect((await fx.local('a.txt'))?.toString()).toBe('my edit\n');
    expect(fx.states()).toEqual({ 'a.txt': 'modified:conflict' });
  });

  it('shows a file created then edited as created, and one created then deleted not at all', async () => {
    fx.start();
    await fx.report(await fx.agentWrites('c.txt', 'v1'));
    await fx.report(await fx.agentWrites('c.txt', 'v2', 'modified'));
    await fx.report(await fx.agentWrites('tmp.txt', 't'));
    await fx.report(await fx.agentDeletes('tmp.txt'));
    expect(fx.states()).toEqual({ 'c.txt': 'created:pending' });
    expect(Buffer.from(fx.mirror.agentContent('c.txt')!).toString()).toBe('v2');
  });
});

it('is the ChangeReview the chat view drives', () => {
  const review: ChangeReview = fx.mirror;
  expect(review.snapshot()).toEqual({ mode: 'apply', changes: [] });
});
