import { EditHistory } from './edit-history';
import { KeyedLock } from './keyed-lock';

/** What the editor keeps between calls: one per action server, in its `ActionContext`. */
export interface EditorState {
  /** Undo steps per file. */
  history: EditHistory;
  /** One command at a time per file. */
  lock: KeyedLock;
}

/** A fresh editor state (no history, no locks). */
export function createEditorState(): EditorState {
  return { history: new EditHistory(), lock: new KeyedLock() };
}
