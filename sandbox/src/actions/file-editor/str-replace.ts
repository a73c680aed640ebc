import type { CommandResult } from './command-result';
import { EditorError, parameterInvalid, parameterMissing } from './editor-error';
import type { EditHistory } from './edit-history';
import {
  SNIPPET_CONTEXT_LINES,
  catN,
  countLines,
  lineAt,
  lineRange,
  linesAt,
  pythonList,
} from './output-format';
import type { Target } from './resolve-target';
import { saveEdit } from './save-edit';
import { toEditorNewlines } from './text-codec';
import { readTextFile } from './text-file';

/** What `str_replace` needs besides the target. */
export interface StrReplaceInput {
  workspace: string;
  history: EditHistory;
  oldStr: string | undefined;
  newStr: string | undefined;
}

/**
 * `str_replace`: replaces the one literal occurrence of `oldStr` with `newStr` (default empty).
 * With no occurrence it retries with both trimmed, as OpenHands does; none or several is a
 * refusal naming the lines. Answers with a snippet of the result, ±4 lines.
 */
export async function strReplace(target: Target, input: StrReplaceInput): Promise<CommandResult> {
  if (input.oldStr === undefined) throw parameterMissing('str_replace', 'old_str');
  if (input.newStr === input.oldStr) {
    throw parameterInvalid(
      'new_str',
      input.newStr,
      'No replacement was performed. `new_str` and `old_str` must be different.',
    );
  }
  const file = await readTextFile(target);
  const { text } = file;
  let oldStr = toEditorNewlines(input.oldStr, file.format);
  let newStr = toEditorNewlines(input.newStr ?? '', file.format);
  let found = occurrences(text, oldStr);
  if (found.length === 0) {
    oldStr = oldStr.trim();
    newStr = newStr.trim();
    found = occurrences(text, oldStr);
  }
  const [index, ...more] = found;
  if (index === undefined) {
    throw new EditorError(
      `No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${target.display}.`,
    );
  }
  if (more.length > 0) {
    const lines = [...new Set(linesAt(text, found))];
    throw new EditorError(
      `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines ${pythonList(lines)}. Please ensure it is unique.`,
    );
  }
  const newText = text.slice(0, index) + newStr + text.slice(index + oldStr.length);
  const diff = await saveEdit(input.workspace, input.history, { target, file, newText });
  return { output: editedMessage(target.display, newText, lineAt(text, index), newStr), diff };
}

/** Start offsets of the non-overlapping literal occurrences of `needle` (Python's `re.finditer`). */
function occurrences(text: string, needle: string): number[] {
  if (needle === '') return emptyMatches(text);
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length))
    found.push(at);
  return found;
}

/**
 * An empty pattern matches before every character and at the end; one offset per line (and the
 * end) stands for them, which gives the same count verdict and the same line numbers.
 */
function emptyMatches(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return text.length === 0 ? starts : [...starts, text.length];
}

function editedMessage(display: string, newText: string, line: number, newStr: string): string {
  const first = Math.max(0, line - SNIPPET_CONTEXT_LINES);
  const last = Math.min(countLines(newText), line + SNIPPET_CONTEXT_LINES + countNewlines(newStr));
  return (
    `The file ${display} has been edited. ` +
    catN(lineRange(newText, first + 1, last), `a snippet of ${display}`, first + 1) +
    'Review the changes and make sure they are as expected. Edit the file again if necessary.'
  );
}

function countNewlines(text: string): number {
  return text.split('\n').length - 1;
}
