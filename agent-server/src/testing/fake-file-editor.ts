import type { FileEditorAction, FileEditorObservation, WorkspaceChange } from '@handoff/protocol';

/** The workspace path fake observations report. */
export const FAKE_WORKSPACE = '/workspace';

const CREATED = (path: string) => `File created successfully at: ${path}`;
const EDITED = (path: string) =>
  `The file ${path} has been edited. Review the changes and make sure they are as expected. Edit the file again if necessary.`;

/**
 * An in-memory stand-in for the sandbox's `str_replace_editor` (OHEditor): files in a map, the
 * five commands with OpenHands' main messages, a whole-change unified diff and the change list.
 * Enough for agent-loop tests; the real editor lives in the sandbox.
 */
export class FakeFileEditor {
  /** File contents by absolute path. */
  readonly files = new Map<string, string>();
  readonly #history = new Map<string, string[]>();

  /** Answers one editor action. */
  handle(action: FileEditorAction): FileEditorObservation {
    const path = action.path.startsWith('/') ? action.path : `${FAKE_WORKSPACE}/${action.path}`;
    const current = this.files.get(path);
    const fail = (message: string): FileEditorObservation => ({
      type: 'file_editor',
      command: action.command,
      path,
      output: `ERROR:\n${message}`,
      isError: true,
    });
    if (action.command === 'create') {
      if (current !== undefined)
        return fail(
          `Invalid \`path\` parameter: ${path}. File already exists at: ${path}. Cannot overwrite files using command \`create\`.`,
        );
      return this.#write(action, path, undefined, action.fileText ?? '', CREATED(path));
    }
    if (current === undefined)
      return fail(
        `Invalid \`path\` parameter: ${path}. The path ${path} does not exist. Please provide a valid path.`,
      );
    switch (action.command) {
      case 'view':
        return { type: 'file_editor', command: 'view', path, output: catN(path, current), isError: false };
      case 'str_replace': {
        const oldStr = action.oldStr;
        if (oldStr === undefined) return fail('Parameter `old_str` is required for command: str_replace.');
        const count = current.split(oldStr).length - 1;
        if (count === 0)
          return fail(
            `No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`,
          );
        if (count > 1)
          return fail(
            `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\`. Please ensure it is unique.`,
          );
        return this.#write(
          action,
          path,
          current,
          current.replace(oldStr, () => action.newStr ?? ''),
          EDITED(path),
        );
      }
      case 'insert': {
        const lines = current.split('\n');
        const at = action.insertLine ?? -1;
        if (at < 0 || at > lines.length)
          return fail(
            `Invalid \`insert_line\` parameter: ${at}. It should be within the range of allowed values: [0, ${lines.length}]`,
          );
        const next = [...lines.slice(0, at), ...(action.newStr ?? '').split('\n'), ...lines.slice(at)].join(
          '\n',
        );
        return this.#write(action, path, current, next, EDITED(path));
      }
      case 'undo_edit': {
        const previous = this.#history.get(path)?.pop();
        if (previous === undefined) return fail(`No edit history found for ${path}.`);
        this.files.set(path, previous);
        const output = `Last edit to ${path} undone successfully. ${catN(path, previous)}`;
        return { ...this.#observation(action, path, output, current, previous), command: 'undo_edit' };
      }
    }
  }

  #write(
    action: FileEditorAction,
    path: string,
    before: string | undefined,
    after: string,
    output: string,
  ): FileEditorObservation {
    if (before !== undefined) this.#history.set(path, [...(this.#history.get(path) ?? []), before]);
    this.files.set(path, after);
    return this.#observation(action, path, output, before, after);
  }

  #observation(
    action: FileEditorAction,
    path: string,
    output: string,
    before: string | undefined,
    after: string,
  ): FileEditorObservation {
    const relative = path.startsWith(`${FAKE_WORKSPACE}/`) ? path.slice(FAKE_WORKSPACE.length + 1) : path;
    const change: WorkspaceChange = {
      path: relative,
      kind: before === undefined ? 'created' : 'modified',
      size: Buffer.byteLength(after),
    };
    return {
      type: 'file_editor',
      command: action.command,
      path,
      output,
      isError: false,
      diff: unifiedDiff(relative, before ?? '', after),
      changes: [change],
    };
  }
}

/** OHEditor's `cat -n` rendering. */
function catN(path: string, content: string): string {
  const numbered = content.split('\n').map((line, index) => `${String(index + 1).padStart(6)}\t${line}`);
  return `Here's the result of running \`cat -n\` on ${path}:\n${numbered.join('\n')}\n`;
}

/** One hunk covering the changed lines (common head and tail left out). */
function unifiedDiff(path: string, before: string, after: string): string {
  const a = before === '' ? [] : before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail += 1;
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  return [
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${head + 1},${removed.length} +${head + 1},${added.length} @@`,
    ...removed.map((line) => `-${line}`),
    ...added.map((line) => `+${line}`),
  ].join('\n');
}
