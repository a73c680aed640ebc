import type { CommandResult } from './command-result';
import { parameterInvalid } from './editor-error';
import { catN, countLines, lineRange, pythonList } from './output-format';
import type { Target } from './resolve-target';
import { readTextFile } from './text-file';

/**
 * `view` of a file: `cat -n` style, whole or `viewRange` [start, end] (1-based, inclusive, end
 * -1 for the last line), with OpenHands' checks and wording.
 */
export async function viewFile(
  target: Target,
  viewRange: [number, number] | undefined,
): Promise<CommandResult> {
  const { text } = await readTextFile(target);
  if (viewRange === undefined) return { output: catN(text, target.display) };
  const total = countLines(text);
  const [start, requestedEnd] = viewRange;
  const shown = pythonList(viewRange);
  if (start < 1 || start > total) {
    throw parameterInvalid(
      'view_range',
      shown,
      `Its first element \`${start}\` should be within the range of lines of the file: ${pythonList([1, total])}.`,
    );
  }
  let end = requestedEnd;
  let note = '';
  if (end === -1) {
    end = total;
  } else if (end > total) {
    note = `NOTE: We only show up to ${total} since there're only ${total} lines in this file.\n`;
    end = total;
  }
  if (end < start) {
    throw parameterInvalid(
      'view_range',
      shown,
      `Its second element \`${end}\` should be greater than or equal to the first element \`${start}\`.`,
    );
  }
  return { output: note + catN(lineRange(text, start, end), target.display, start) };
}
