import path from 'node:path';
import type { FileEditorAction, FileEditorObservation } from '@handoff/protocol';
import type { ActionContext } from '../action-context';
import type { CommandResult } from './command-result';
import { createFile } from './create-file';
import { EditorError } from './editor-error';

import type { EditorState } from './editor-state';
import { insertText } from './insert-text';
import { resolveTarget, validateTarget } from './resolve-target';
import type { Target } from './resolve-target';
import { strReplace } from './str-replace';
import { undoEdit } from './undo-edit';
import { viewDirectory } from './view-directory';
import { viewFile } from './view-file';

/**
 * Runs one `str_replace_editor` command (OpenHands' `OHEditor`): view, create, str_replace,
 * insert or undo_edit, confined to the workspace. Every refusal is an observation with
 * `isError` and OpenHands' `ERROR:\n<message>` text, for the model to act on; only a failure
 * of the server itself throws. Commands on one file run one at a time.
 */
export async function execute(action: FileEditorAction, ctx: ActionContext): Promise<FileEditorObservation> {
  const state = ctx.editor;
  let display = path.resolve(ctx.workspace, action.path);
  try {
    const located = await resolveTarget(ctx.workspace, action.path);
    display = located.display;
    const result = await state.lock.run(located.real, async () => {
      // Looked at again under the lock: an earlier command may have just changed it.
      const target = await resolveTarget(ctx.workspace, action.path);
      validateTarget(action.command, target);
      return runCommand(action, target, ctx, state);
    });
    return observation(action, display, result.output, false, result.diff);
  } catch (error) {
    if (error instanceof EditorError) return observation(action, display, `ERROR:\n${error.message}`, true);
    throw error;
  }
}

function runCommand(
  action: FileEditorAction,
  target: Target,
  ctx: ActionContext,
  state: EditorState,
): Promise<CommandResult> {
  const { workspace } = ctx;
  const { history } = state;
  switch (action.command) {
    case 'view':
      return target.stats?.isDirectory() === true
        ? viewDirectory(workspace, target, action.viewRange)
        : viewFile(target, action.viewRange);
    case 'create':
      return createFile(workspace, target, action.fileText, ctx.commandUser);
    case 'str_replace':
      return strReplace(target, { workspace, history, oldStr: action.oldStr, newStr: action.newStr });
    case 'insert':
      return insertText(target, { workspace, history, insertLine: action.insertLine, newStr: action.newStr });
    case 'undo_edit':
      return undoEdit(workspace, target, history);
  }
}

function observation(
  action: FileEditorAction,
  display: string,
  output: string,
  isError: boolean,
  diff?: string,
): FileEditorObservation {
  return {
    type: 'file_editor',
    command: action.command,
    path: display,
    output,
    isError,
    ...(diff === undefined ? {} : { diff }),
  };
}
