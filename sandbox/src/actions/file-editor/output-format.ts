/** Output longer than this many characters is clipped, as OpenHands' `MAX_RESPONSE_LEN_CHAR`. */
export const MAX_RESPONSE_CHARS = 16_000;

/** Lines of context around an edit in its snippet (`SNIPPET_CONTEXT_WINDOW`). */
export const SNIPPET_CONTEXT_LINES = 4;

/** Appended to a clipped file view (OpenHands' `TEXT_FILE_CONTENT_TRUNCATED_NOTICE`). */
export const FILE_CLIPPED_NOTICE =
  '<response clipped><NOTE>Due to the max output limit, only part of this file has been shown to you. ' +
  'You should retry this tool after you have searched inside the file with `grep -n` in order to find ' +
  'the line numbers of what you are looking for.</NOTE>';

/** Appended to a clipped directory view (OpenHands' `DIRECTORY_CONTENT_TRUNCATED_NOTICE`). */
export const DIRECTORY_CLIPPED_NOTICE =
  '<response clipped><NOTE>Due to the max output limit, only part of this directory has been shown to you. ' +
  'You should use `ls -la` instead to view large directories incrementally.</NOTE>';

/** OpenHands' `maybe_truncate`: the first `MAX_RESPONSE_CHARS` characters plus `notice`. */
export function clip(content: string, notice: string): string {
  return content.length <= MAX_RESPONSE_CHARS ? content : content.slice(0, MAX_RESPONSE_CHARS) + notice;
}

/**
 * OpenHands' `_make_output`: the content clipped, then every line numbered `cat -n` style
 * (number right-aligned in six columns, a tab, the line), under a one-line header.
 */
export function catN(content: string, description: string, startLine = 1): string {
  const numbered = clip(content, FILE_CLIPPED_NOTICE)
    .split('\n')
    .map((line, index) => `${String(index + startLine).padStart(6)}\t${line}`)
    .join('\n');
  return `Here's the result of running \`cat -n\` on ${description}:\n${numbered}\n`;
}

/** Lines of `text` as a reader counts them: a final newline ends the last line, it starts none. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return text.endsWith('\n') ? count : count + 1;
}

/** Lines `first`..`last` (1-based, inclusive, clamped to the text) joined by `\n`, no final newline. */
export function lineRange(text: string, first: number, last: number): string {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.slice(Math.max(0, first - 1), Math.max(0, last)).join('\n');
}

/** The 1-based line on which offset `index` of `text` lies. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/** The 1-based lines of ascending offsets `indexes` of `text`, in one pass. */
export function linesAt(text: string, indexes: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let newline = text.indexOf('\n');
  for (const index of indexes) {
    while (newline !== -1 && newline < index) {
      line++;
      newline = text.indexOf('\n', newline + 1);
    }
    lines.push(line);
  }
  return lines;
}

/** Python's `str([a, b])`, the way OpenHands prints number lists in its messages. */
export function pythonList(values: readonly number[]): string {
  return `[${values.join(', ')}]`;
}
