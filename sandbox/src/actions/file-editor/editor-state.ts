import type { ActionContext } from '../action-context';
import { EditHistory } from './edit-history';
import { KeyedLock } from './keyed-lock';

/** What the editor keeps between calls: one per action server (its `ActionContext`). */
export interface EditorState {
  /** Undo steps per file. */
  history: EditHistory;
  /** One command at a time per file. */
  lock: KeyedLock;
}

/**
 * Keyed by the server's shell sessions: the context itself is copied for every request (to
 * carry its abort signal), but that object is made once per server and lives as long as it.
 */
const STATES = new WeakMap<ActionContext['shells'], EditorState>();

/** The editor state of the server that owns `ctx`, made on first use. */
export function editorStateOf(ctx: ActionContext): EditorState {
  let state = STATES.get(ctx.shells);
  if (state === undefined) {
    state = { history: new EditHistory(), lock: new KeyedLock() };
    STATES.set(ctx.shells, state);
  }
  return state;
}
