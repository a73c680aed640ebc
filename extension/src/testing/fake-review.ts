/**
 * @module Fakes of the chat view's other seams: the workspace state (trust, settings) and the
 * change review. Each records its calls; tests change their state and fire the change.
 */
import type { MirroredChange } from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import type { ChangeReview, ChangeSnapshot, WorkspaceState, WorkspaceStateSource } from '../common/change-review';
import type { DisposableLike } from '../common/lifecycle';

/** A {@link WorkspaceStateSource} with a state the test sets. */
export class FakeWorkspaceState implements WorkspaceStateSource {
  private readonly changes = new Emitter<undefined>();
  state: WorkspaceState = { trusted: true, editMode: 'apply', model: 'openai/gpt-4o' };

  current(): WorkspaceState {
    return this.state;
  }

  onDidChange(listener: () => void): DisposableLike {
    return this.changes.event(listener);
  }

  /** Replaces the state and tells listeners. */
  set(state: Partial<WorkspaceState>): void {
    this.state = { ...this.state, ...state };
    this.changes.fire(undefined);
  }
}

/** A {@link ChangeReview} that records what was asked and lets the test set the changes. */
export class FakeChangeReview implements ChangeReview {
  private readonly changes = new Emitter<undefined>();
  readonly calls: { method: 'accept' | 'reject' | 'open'; arg: readonly string[] | string | undefined }[] = [];
  current: ChangeSnapshot = { mode: 'review', changes: [] };

  accept(paths?: readonly string[]): Promise<void> {
    this.calls.push({ method: 'accept', arg: paths });
    return Promise.resolve();
  }

  reject(paths?: readonly string[]): Promise<void> {
    this.calls.push({ method: 'reject', arg: paths });
    return Promise.resolve();
  }

  open(path: string): Promise<void> {
    this.calls.push({ method: 'open', arg: path });
    return Promise.resolve();
  }

  snapshot(): ChangeSnapshot {
    return this.current;
  }

  onDidChange(listener: () => void): DisposableLike {
    return this.changes.event(listener);
  }

  /** Replaces the changes and tells listeners. */
  set(changes: MirroredChange[]): void {
    this.current = { ...this.current, changes };
    this.changes.fire(undefined);
  }
}
