/**
 * @module The seam between the chat view and edit mirroring: what the view needs to show the
 * agent's changes to the local workspace and to accept or reject them. Free of `vscode`, so the
 * mirror's core can implement it.
 */
import type { EditMode, MirroredChange } from '@handoff/protocol';
import type { DisposableLike } from './lifecycle';

/** The changes of the shown conversation and the edit mode in force. */
export interface ChangeSnapshot {
  mode: EditMode;
  /** Every changed file, sorted by path. */
  changes: MirroredChange[];
}

/** Review of the agent's changes (implemented by the mirror service). */
export interface ChangeReview {
  /** Writes pending or conflicting changes locally; all pending ones when `paths` is absent. */
  accept(paths?: readonly string[]): Promise<unknown>;
  /** Leaves the local files as they are; all pending ones when `paths` is absent. */
  reject(paths?: readonly string[]): Promise<unknown>;
  /** Shows one change in VS Code's diff editor. */
  open(path: string): Promise<unknown>;
  /** The changes now. */
  snapshot(): ChangeSnapshot;
  /** The changes or the mode changed; read {@link snapshot}. */
  onDidChange(listener: () => void): DisposableLike;
}

/** What the workspace allows and uses, read from VS Code (trust, settings). */
export interface WorkspaceState {
  trusted: boolean;
  editMode: EditMode;
  /** The model setting, `provider/model`. */
  model: string;
}

/** A live view of {@link WorkspaceState}. */
export interface WorkspaceStateSource {
  current(): WorkspaceState;
  /** Trust or a setting changed; read {@link current}. */
  onDidChange(listener: () => void): DisposableLike;
}
