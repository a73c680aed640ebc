import type { CommandResult } from './command-result';
import { EditorError } from './editor-error';
import type { EditHistory } from './edit-history';
import { catN } from './output-format';
import type { Target } from './resolve-target';
import { diffOf, replaceContent } from './save-edit';
import { decodeText } from './text-codec';
import { readTextFile } from './text-file';

/**
 * `undo_edit`: puts back the bytes the file had before the editor's last edit of it (up to
 * `MAX_UNDO_PER_FILE` steps), keeping its mode and owner, and shows the restored content.
 */
export async function undoEdit(
  workspace: string,
  target: Target,
  history: EditHistory,
): Promise<CommandResult> {
  const current = await readTextFile(target);
  const previous = history.pop(target.real);
  if (previous === undefined) throw new EditorError(`No edit history found for ${target.display}.`);
  try {
    await replaceContent(target, previous);
  } catch (error) {
    history.push(target.real, previous);
    throw error;
  }
  const restored = decodeText(previous);
  const restoredText = restored.kind === 'text' ? restored.text : '';
  return {
    output: `Last edit to ${target.display} undone successfully. ${catN(restoredText, target.display)}`,
    diff: diffOf(workspace, target, current.text, restoredText),
  };
}
