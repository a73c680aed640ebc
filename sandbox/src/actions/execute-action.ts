import type {
  ExecuteActionRequest,
  ExecuteActionResponse,
  Observation,
  SandboxAction,
} from '@handoff/protocol';
import { withChanges } from '../changes/attach-changes';
import type { ChangeTracker } from '../changes/change-tracker';
import type { ActionContext } from './action-context';
import { execute as fileEditor } from './file-editor/file-editor';
import { execute as runCommand } from './run-command';

type ActionType = SandboxAction['type'];
type ActionOf<K extends ActionType> = Extract<SandboxAction, { type: K }>;

/** One executor per sandbox action type; a new action type is a compile error until it has one. */
const EXECUTORS: { [K in ActionType]: (action: ActionOf<K>, ctx: ActionContext) => Promise<Observation> } = {
  run_command: runCommand,
  file_editor: fileEditor,
};

/**
 * Runs the request's action with the executor for its type. With a change tracker, the
 * observation carries the workspace changes since the previous scan (see `withChanges`).
 */
export async function executeAction(
  request: ExecuteActionRequest,
  ctx: ActionContext,
  changes?: ChangeTracker,
): Promise<ExecuteActionResponse> {
  return { observation: await withChanges(changes, () => dispatch(request.action, ctx)) };
}

function dispatch<K extends ActionType>(action: ActionOf<K>, ctx: ActionContext): Promise<Observation> {
  const executor: (action: ActionOf<K>, ctx: ActionContext) => Promise<Observation> = EXECUTORS[action.type];
  return executor(action, ctx);
}
