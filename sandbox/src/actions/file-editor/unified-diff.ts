/** Unchanged lines shown around each change, as `diff -u` does. */
const CONTEXT_LINES = 3;
/** A longer diff is left out of the observation (the file itself is still changed). */
export const MAX_DIFF_CHARS = 1_000_000;
/** Budget for the line comparison: (lines of both sides) × (edit distance searched). */
const MAX_COMPARISONS = 50_000_000;

/** The file names in a diff's `---` / `+++` header lines. */
export interface DiffLabels {
  old: string;
  new: string;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/**
 * A unified diff (`diff -u` format, three lines of context) from `oldText` to `newText`, or
 * undefined when they are equal or the diff would be longer than `MAX_DIFF_CHARS`. Lines are
 * compared with their newline, so a change to the last line's newline shows, marked
 * `\ No newline at end of file`. The common head and tail are set aside first and the rest is
 * compared with Myers' algorithm; when that needs more than its budget (huge, scattered
 * changes), the differing middle is shown as removed and added as a whole: still correct.
 */
export function unifiedDiff(oldText: string, newText: string, labels: DiffLabels): string | undefined {
  if (oldText === newText) return undefined;
  const { ops, skipped } = diffLines(oldText, newText);
  const diff = `--- ${labels.old}\n+++ ${labels.new}\n${formatHunks(ops, skipped)}`;
  return diff.length <= MAX_DIFF_CHARS ? diff : undefined;
}

/** The edit script, without the common head's lines that no hunk shows (`skipped` of them). */
interface Script {
  ops: Op[];
  skipped: number;
}

/**
 * Sets the common head and tail aside on the text itself (cut at line starts), so a small edit
 * of a big file only splits and compares the lines around it; keeps `CONTEXT_LINES` of each.
 */
function diffLines(oldText: string, newText: string): Script {
  let prefix = 0;
  const shorter = Math.min(oldText.length, newText.length);
  while (prefix < shorter && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  const head = prefix === 0 ? 0 : oldText.lastIndexOf('\n', prefix - 1) + 1;
  let suffix = 0;
  const room = shorter - head;
  while (
    suffix < room &&
    oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
  ) {
    suffix++;
  }
  const newlineInSuffix = suffix === 0 ? -1 : oldText.indexOf('\n', oldText.length - suffix);
  const tail = newlineInSuffix === -1 ? 0 : oldText.length - newlineInSuffix - 1;
  const contextStart = startOfLastLines(oldText, head, CONTEXT_LINES);
  const headContext = splitLines(oldText.slice(contextStart, head));
  const tailContext = splitLines(oldText.slice(oldText.length - tail)).slice(0, CONTEXT_LINES);
  const oldMiddle = splitLines(oldText.slice(head, oldText.length - tail));
  const newMiddle = splitLines(newText.slice(head, newText.length - tail));
  const size = oldMiddle.length + newMiddle.length;
  const maxEdits = Math.min(size, Math.max(1, Math.floor(MAX_COMPARISONS / Math.max(1, size))), 4_000);
  const middle = myers(oldMiddle, newMiddle, maxEdits) ?? replaceAll(oldMiddle, newMiddle);
  return {
    ops: [
      ...headContext.map((line): Op => ({ kind: ' ', line })),
      ...middle,
      ...tailContext.map((line): Op => ({ kind: ' ', line })),
    ],
    skipped: countNewlines(oldText, contextStart),
  };
}

/** Where the last `count` lines before `end` (a line start) begin. */
function startOfLastLines(text: string, end: number, count: number): number {
  let start = end;
  for (let taken = 0; taken < count && start > 0; taken++) start = text.lastIndexOf('\n', start - 2) + 1;
  return start;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** Lines with their newlines; a last line without one is kept as is. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', start)) {
    lines.push(text.slice(start, at + 1));
    start = at + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function replaceAll(a: string[], b: string[]): Op[] {
  return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
}

/**
 * Myers' O(ND) shortest edit script. `trace[d]` keeps the furthest-reaching x per diagonal
 * before round d, for diagonals -d-1..d+1 (at index k + d + 1), to walk back from the end.
 */
function myers(a: string[], b: string[], maxEdits: number): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const offset = maxEdits + 1;
  const v = new Int32Array(2 * maxEdits + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxEdits; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && at(v, k - 1 + offset) < at(v, k + 1 + offset));
      let x = down ? at(v, k + 1 + offset) : at(v, k - 1 + offset) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], a: string[], b: string[]): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d] ?? new Int32Array(0);
    const k = x - y;
    const down = k === -d || (k !== d && at(v, k - 1 + d + 1) < at(v, k + 1 + d + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(v, prevK + d + 1);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] ?? '' });
      y--;
    }
    if (d > 0) ops.push(down ? { kind: '+', line: b[prevY] ?? '' } : { kind: '-', line: a[prevX] ?? '' });
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function at(values: Int32Array, index: number): number {
  return values[index] ?? 0;
}

function formatHunks(ops: Op[], skipped: number): string {
  const oldBefore = new Int32Array(ops.length + 1);
  const newBefore = new Int32Array(ops.length + 1);
  oldBefore[0] = skipped;
  newBefore[0] = skipped;
  ops.forEach((op, i) => {
    oldBefore[i + 1] = at(oldBefore, i) + (op.kind === '+' ? 0 : 1);
    newBefore[i + 1] = at(newBefore, i) + (op.kind === '-' ? 0 : 1);
  });
  let out = '';
  for (const [start, end] of hunkBounds(ops)) {
    const oldStart = at(oldBefore, start) + 1;
    const newStart = at(newBefore, start) + 1;
    out += `@@ -${range(oldStart, at(oldBefore, end) - oldStart + 1)} +${range(newStart, at(newBefore, end) - newStart + 1)} @@\n`;
    for (const op of ops.slice(start, end)) out += formatLine(op);
  }
  return out;
}

/** [start, end) of each hunk: changes closer than twice the context share one hunk. */
function hunkBounds(ops: Op[]): Array<[number, number]> {
  const bounds: Array<[number, number]> = [];
  let lastChange = -Infinity;
  ops.forEach((op, i) => {
    if (op.kind === ' ') return;
    const current = bounds[bounds.length - 1];
    if (current !== undefined && i - lastChange - 1 <= 2 * CONTEXT_LINES)
      current[1] = Math.min(ops.length, i + 1 + CONTEXT_LINES);
    else bounds.push([Math.max(0, i - CONTEXT_LINES), Math.min(ops.length, i + 1 + CONTEXT_LINES)]);
    lastChange = i;
  });
  return bounds;
}

function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

function formatLine(op: Op): string {
  if (op.line.endsWith('\n')) return `${op.kind}${op.line}`;
  return `${op.kind}${op.line}\n\\ No newline at end of file\n`;
}
