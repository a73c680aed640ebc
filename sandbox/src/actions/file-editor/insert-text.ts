import type { CommandResult } from './command-result';
import { parameterInvalid, parameterMissing } from './editor-error';
import type { EditHistory } from './edit-history';
import { SNIPPET_CONTEXT_LINES, catN, countLines, lineRange, pythonList } from './output-format';
import type { Target } from './resolve-target';
import { saveEdit } from './save-edit';
import { toEditorNewlines } from './text-codec';
import { readTextFile } from './text-file';

/** What `insert` needs besides the target. */
export interface InsertInput {
  workspace: string;
  history: EditHistory;
  insertLine: number | undefined;
  newStr: string | undefined;
}

/**
 * `insert`: puts `newStr` as whole lines after line `insertLine` (0 = at the top), as OpenHands
 * does: every line of `newStr` ends with a newline. When the file's last line has no newline
 * and the text goes after it, that line gets one first rather than being joined to the text.
 */
export async function insertText(target: Target, input: InsertInput): Promise<CommandResult> {
  if (input.insertLine === undefined) throw parameterMissing('insert', 'insert_line');
  if (input.newStr === undefined) throw parameterMissing('insert', 'new_str');
  const file = await readTextFile(target);
  const { text } = file;
  const total = countLines(text);
  const line = input.insertLine;
  if (line < 0 || line > total) {
    throw parameterInvalid(
      'insert_line',
      String(line),
      `It should be within the range of allowed values: ${pythonList([0, total])}`,
    );
  }
  const newStr = toEditorNewlines(input.newStr, file.format);
  const at = offsetAfterLine(text, line);
  const before = at === text.length && text !== '' && !text.endsWith('\n') ? `${text}\n` : text.slice(0, at);
  const newText = `${before}${newStr}\n${text.slice(at)}`;
  const diff = await saveEdit(input.workspace, input.history, { target, file, newText });
  return { output: insertedMessage(target.display, newText, line, newStr.split('\n').length, total), diff };
}

/** The offset just after line `line`'s newline (0 for line 0; the end for the last line). */
function offsetAfterLine(text: string, line: number): number {
  let at = 0;
  for (let passed = 0; passed < line; passed++) {
    const newline = text.indexOf('\n', at);
    if (newline === -1) return text.length;
    at = newline + 1;
  }
  return at;
}

function insertedMessage(
  display: string,
  newText: string,
  line: number,
  inserted: number,
  total: number,
): string {
  const first = Math.max(0, line - SNIPPET_CONTEXT_LINES);
  const last = Math.min(total + inserted, line + SNIPPET_CONTEXT_LINES + inserted);
  return (
    `The file ${display} has been edited. ` +
    catN(
      lineRange(newText, first + 1, last),
      'a snippet of the edited file',
      Math.max(1, line - SNIPPET_CONTEXT_LINES + 1),
    ) +
    'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). ' +
    'Edit the file again if necessary.'
  );
}
