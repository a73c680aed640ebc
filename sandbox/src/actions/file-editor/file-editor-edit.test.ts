import { chmod, chown, mkdir, readFile, readlink, stat, symlink } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEditorState } from './editor-state';
import { createEditorFixture, numbered } from './editor-fixture';
import type { EditorFixture } from './editor-fixture';
import { execute } from './file-editor';

let fx: EditorFixture;

beforeEach(async () => {
  fx = await createEditorFixture();
});

afterEach(() => fx.dispose());

const isRoot = process.getuid?.() === 0;
const lines = (count: number, prefix = 'line') =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
const text = (file: string) => readFile(file, 'utf8');

describe('str_replace', () => {
  it('replaces the one occurrence and shows a snippet around it', async () => {
    const file = await fx.put('f.txt', lines(12));
    const observation = await fx.edit({
      command: 'str_replace',
      path: file,
      oldStr: 'line 6',
      newStr: 'six\nsix b',
    });
    const after = lines(12).replace('line 6', 'six\nsix b');
    expect(await text(file)).toBe(after);
    // As OpenHands: from line max(0, 6 - 4) + 1 to 6 + 4 + (newlines in new_str).
    const snippet = after.split('\n').slice(2, 11).join('\n');
    expect(observation).toMatchObject({ isError: false, command: 'str_replace', path: file });
    expect(observation.output).toBe(
      `The file ${file} has been edited. Here's the result of running \`cat -n\` on a snippet of ${file}:\n` +
        `${numbered(snippet, 3)}\n` +
        'Review the changes and make sure they are as expected. Edit the file again if necessary.',
    );
    expect(observation.diff).toBe(
      '--- a/f.txt\n+++ b/f.txt\n@@ -3,7 +3,8 @@\n line 3\n line 4\n line 5\n-line 6\n+six\n+six b\n line 7\n line 8\n line 9\n',
    );
  });

  it('clamps the snippet at the start and end of the file', async () => {
    const file = await fx.put('f.txt', 'a\nb\nc\n');
    const { output } = await fx.edit({ command: 'str_replace', path: file, oldStr: 'b', newStr: 'B' });
    expect(output).toContain(`a snippet of ${file}:\n${numbered('a\nB\nc', 1)}\nReview the changes`);
  });

  it('requires old_str', async () => {
    const file = await fx.put('f.txt', 'a\n');
    expect((await fx.edit({ command: 'str_replace', path: file, newStr: 'b' })).output).toBe(
      'ERROR:\nParameter `old_str` is required for command: str_replace.',
    );
  });

  it('refuses identical old_str and new_str', async () => {
    const file = await fx.put('f.txt', 'a\n');
    expect((await fx.edit({ command: 'str_replace', path: file, oldStr: 'a', newStr: 'a' })).output).toBe(
      'ERROR:\nInvalid `new_str` parameter: a. No replacement was performed. `new_str` and `old_str` must be different.',
    );
  });

  it('says when old_str does not occur', async () => {
    const file = await fx.put('f.txt', 'alpha\n');
    const observation = await fx.edit({ command: 'str_replace', path: file, oldStr: 'beta', newStr: 'x' });
    expect(observation).toMatchObject({ isError: true });
    expect(observation.output).toBe(
      `ERROR:\nNo replacement was performed, old_str \`beta\` did not appear verbatim in ${file}.`,
    );
    expect(observation.diff).toBeUndefined();
  });

  it('names the lines of multiple occurrences, each once', async () => {
    const file = await fx.put('f.txt', 'x\ndup\ny\ndup dup\n');
    expect((await fx.edit({ command: 'str_replace', path: file, oldStr: 'dup', newStr: 'z' })).output).toBe(
      'ERROR:\nNo replacement was performed. Multiple occurrences of old_str `dup` in lines [2, 4]. Please ensure it is unique.',
    );
    expect(await text(file)).toBe('x\ndup\ny\ndup dup\n');
  });

  it('retries with both strings stripped of surrounding whitespace', async () => {
    const file = await fx.put('f.txt', 'a\nfoo bar\nb\n');
    const observation = await fx.edit({
      command: 'str_replace',
      path: file,
      oldStr: '  foo bar \n\n',
      newStr: '\tbaz\n',
    });
    expect(observation.isError).toBe(false);
    expect(await text(file)).toBe('a\nbaz\nb\n');
  });

  it('reports the stripped old_str when the retry fails too', async () => {
    const file = await fx.put('f.txt', 'a\n');
    expect(
      (await fx.edit({ command: 'str_replace', path: file, oldStr: '  nope\n', newStr: 'x' })).output,
    ).toBe(`ERROR:\nNo replacement was performed, old_str \`nope\` did not appear verbatim in ${file}.`);
  });

  it('deletes the text when new_str is absent', async () => {
    const file = await fx.put('f.txt', 'keep remove keep\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: ' remove' });
    expect(await text(file)).toBe('keep keep\n');
  });

  it('takes regex characters literally', async () => {
    const file = await fx.put('f.txt', 'a.*b\naxxb\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'a.*b', newStr: '$&$1' });
    expect(await text(file)).toBe('$&$1\naxxb\n');
  });

  it('refuses a directory with OpenHands wording', async () => {
    await mkdir(fx.at('d'));
    const dir = fx.at('d');
    expect((await fx.edit({ command: 'str_replace', path: 'd', oldStr: 'a', newStr: 'b' })).output).toBe(
      `ERROR:\nInvalid \`path\` parameter: ${dir}. The path ${dir} is a directory and only the \`view\` command can be used on directories.`,
    );
  });

  it('refuses binary and oversized files', async () => {
    const binary = await fx.put('b.bin', Buffer.from('a\0b'));
    expect(
      (await fx.edit({ command: 'str_replace', path: binary, oldStr: 'a', newStr: 'c' })).output,
    ).toContain('File appears to be binary and this file type cannot be read or edited by this tool.');
    const big = await fx.put('big.txt', Buffer.alloc(10 * 1024 * 1024 + 1, 'a'));
    expect((await fx.edit({ command: 'insert', path: big, insertLine: 0, newStr: 'x' })).output).toBe(
      `ERROR:\nFile validation failed for ${big}: File is too large (10.0MB). Maximum allowed size is 10MB.`,
    );
  });

  it('edits the target of a symlink inside the workspace and keeps the link', async () => {
    const real = await fx.put('real.txt', 'old\n');
    await symlink(real, fx.at('link.txt'));
    const observation = await fx.edit({
      command: 'str_replace',
      path: 'link.txt',
      oldStr: 'old',
      newStr: 'new',
    });
    expect(observation.path).toBe(fx.at('link.txt'));
    expect(await text(real)).toBe('new\n');
    expect(await readlink(fx.at('link.txt'))).toBe(real);
  });

  it('loses no edit when many run at once on one file', async () => {
    const file = await fx.put('f.txt', lines(30));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fx.edit({
          command: 'str_replace',
          path: file,
          oldStr: `line ${i + 1}\n`,
          newStr: `edited ${i + 1}\n`,
        }),
      ),
    );
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(await text(file)).toBe(lines(30, 'edited'));
  });
});

describe('insert', () => {
  it('inserts after the given line and shows a snippet', async () => {
    const file = await fx.put('f.txt', lines(10));
    const observation = await fx.edit({
      command: 'insert',
      path: file,
      insertLine: 6,
      newStr: 'new a\nnew b',
    });
    const after = lines(10).replace('line 6\n', 'line 6\nnew a\nnew b\n');
    expect(await text(file)).toBe(after);
    expect(observation.output).toBe(
      `The file ${file} has been edited. Here's the result of running \`cat -n\` on a snippet of the edited file:\n` +
        `${numbered(after.split('\n').slice(2, 12).join('\n'), 3)}\n` +
        'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). ' +
        'Edit the file again if necessary.',
    );
    expect(observation.diff).toBe(
      '--- a/f.txt\n+++ b/f.txt\n@@ -4,6 +4,8 @@\n line 4\n line 5\n line 6\n+new a\n+new b\n line 7\n line 8\n line 9\n',
    );
  });

  it('inserts at the top with 0 and at the end with the line count', async () => {
    const file = await fx.put('f.txt', 'a\nb\n');
    await fx.edit({ command: 'insert', path: file, insertLine: 0, newStr: 'top' });
    await fx.edit({ command: 'insert', path: file, insertLine: 3, newStr: 'end' });
    expect(await text(file)).toBe('top\na\nb\nend\n');
  });

  it('ends an unterminated last line before inserting after it', async () => {
    const file = await fx.put('f.txt', 'a\nb');
    await fx.edit({ command: 'insert', path: file, insertLine: 2, newStr: 'c' });
    expect(await text(file)).toBe('a\nb\nc\n');
  });

  it('inserts into an empty file', async () => {
    const file = await fx.put('f.txt', '');
    await fx.edit({ command: 'insert', path: file, insertLine: 0, newStr: 'only' });
    expect(await text(file)).toBe('only\n');
  });

  it('refuses a line outside [0, n] with OpenHands wording', async () => {
    const file = await fx.put('f.txt', 'a\nb\nc\n');
    for (const line of [-1, 4]) {
      expect((await fx.edit({ command: 'insert', path: file, insertLine: line, newStr: 'x' })).output).toBe(
        `ERROR:\nInvalid \`insert_line\` parameter: ${line}. It should be within the range of allowed values: [0, 3]`,
      );
    }
  });

  it('requires insert_line, then new_str', async () => {
    const file = await fx.put('f.txt', 'a\n');
    expect((await fx.edit({ command: 'insert', path: file })).output).toBe(
      'ERROR:\nParameter `insert_line` is required for command: insert.',
    );
    expect((await fx.edit({ command: 'insert', path: file, insertLine: 0 })).output).toBe(
      'ERROR:\nParameter `new_str` is required for command: insert.',
    );
  });
});

describe('undo_edit', () => {
  it('says when there is nothing to undo', async () => {
    const file = await fx.put('f.txt', 'a\n');
    expect((await fx.edit({ command: 'undo_edit', path: file })).output).toBe(
      `ERROR:\nNo edit history found for ${file}.`,
    );
  });

  it('restores the previous content and shows it', async () => {
    const file = await fx.put('f.txt', 'a\nb\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'b', newStr: 'B' });
    const observation = await fx.edit({ command: 'undo_edit', path: file });
    expect(await text(file)).toBe('a\nb\n');
    expect(observation).toMatchObject({ isError: false, command: 'undo_edit', path: file });
    expect(observation.output).toBe(
      `Last edit to ${file} undone successfully. Here's the result of running \`cat -n\` on ${file}:\n${numbered('a\nb\n')}\n`,
    );
    expect(observation.diff).toBe('--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n a\n-B\n+b\n');
  });

  it('undoes up to 10 edits per file, newest first', async () => {
    const file = await fx.put('f.txt', 'v0\n');
    for (let i = 1; i <= 12; i++) {
      await fx.edit({ command: 'str_replace', path: file, oldStr: `v${i - 1}`, newStr: `v${i}` });
    }
    for (let i = 11; i >= 2; i--) {
      expect((await fx.edit({ command: 'undo_edit', path: file })).isError).toBe(false);
      expect(await text(file)).toBe(`v${i}\n`);
    }
    expect((await fx.edit({ command: 'undo_edit', path: file })).output).toBe(
      `ERROR:\nNo edit history found for ${file}.`,
    );
    expect(await text(file)).toBe('v2\n');
  });

  it('keeps one history per file and per server', async () => {
    const a = await fx.put('a.txt', 'a\n');
    const b = await fx.put('b.txt', 'b\n');
    await fx.edit({ command: 'insert', path: a, insertLine: 1, newStr: 'a2' });
    expect((await fx.edit({ command: 'undo_edit', path: b })).isError).toBe(true);
    const sameServer = { ...fx.ctx, signal: new AbortController().signal };
    expect((await execute({ type: 'file_editor', command: 'view', path: a }, sameServer)).isError).toBe(
      false,
    );
    const anotherServer = { ...fx.ctx, editor: createEditorState() };
    expect(
      (await execute({ type: 'file_editor', command: 'undo_edit', path: a }, anotherServer)).output,
    ).toBe(`ERROR:\nNo edit history found for ${a}.`);
    expect((await execute({ type: 'file_editor', command: 'undo_edit', path: a }, sameServer)).isError).toBe(
      false,
    );
    expect(await text(a)).toBe('a\n');
  });
});

describe('encodings, line endings, mode and owner', () => {
  it('keeps CRLF line endings, matching old_str written with LF', async () => {
    const file = await fx.put('crlf.txt', 'a\r\nb\r\nc\r\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'a\nb', newStr: 'x\ny' });
    expect(await text(file)).toBe('x\r\ny\r\nc\r\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'y\r\nc', newStr: 'z' });
    expect(await text(file)).toBe('x\r\nz\r\n');
    await fx.edit({ command: 'insert', path: file, insertLine: 1, newStr: 'i1\ni2' });
    expect(await text(file)).toBe('x\r\ni1\r\ni2\r\nz\r\n');
    const { output } = await fx.edit({ command: 'view', path: file });
    expect(output).toBe(
      `Here's the result of running \`cat -n\` on ${file}:\n${numbered('x\ni1\ni2\nz\n')}\n`,
    );
    await fx.edit({ command: 'undo_edit', path: file });
    expect(await text(file)).toBe('x\r\nz\r\n');
  });

  it('reports CRLF line numbers like LF ones', async () => {
    const file = await fx.put('crlf.txt', 'dup\r\nx\r\ndup\r\n');
    expect(
      (await fx.edit({ command: 'str_replace', path: file, oldStr: 'dup', newStr: 'y' })).output,
    ).toContain('in lines [1, 3].');
  });

  it('leaves a file with mixed line endings byte for byte outside the edit', async () => {
    const file = await fx.put('mixed.txt', 'a\r\nb\nc\r\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'b', newStr: 'B' });
    expect(await text(file)).toBe('a\r\nB\nc\r\n');
  });

  it('keeps a UTF-8 byte-order mark', async () => {
    const file = await fx.put('bom.txt', Buffer.from('\ufeffhello\n', 'utf8'));
    const { output } = await fx.edit({ command: 'view', path: file });
    expect(output).toContain('     1\thello\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'hello', newStr: 'héllo' });
    expect(await readFile(file)).toEqual(Buffer.from('\ufeffhéllo\n', 'utf8'));
  });

  it('reads and writes back a Latin-1 file in Latin-1', async () => {
    const file = await fx.put('latin1.txt', Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'));
    expect((await fx.edit({ command: 'view', path: file })).output).toContain('     1\tcafé crème\n');
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'café', newStr: 'thé' });
    expect(await readFile(file)).toEqual(Buffer.from('th\xe9 cr\xe8me\n', 'latin1'));
  });

  it('refuses a character Latin-1 cannot hold, changing nothing', async () => {
    const file = await fx.put('latin1.txt', Buffer.from('prix: 5\xa4\n', 'latin1'));
    const observation = await fx.edit({ command: 'str_replace', path: file, oldStr: '5', newStr: '5€' });
    expect(observation.isError).toBe(true);
    expect(observation.output).toContain('Cannot write "€"');
    expect(observation.output).toContain('Latin-1');
    expect(await readFile(file)).toEqual(Buffer.from('prix: 5\xa4\n', 'latin1'));
    expect((await fx.edit({ command: 'undo_edit', path: file })).isError).toBe(true);
  });

  it('keeps the file mode', async () => {
    const file = await fx.put('run.sh', '#!/bin/sh\necho a\n');
    await chmod(file, 0o754);
    await fx.edit({ command: 'str_replace', path: file, oldStr: 'echo a', newStr: 'echo b' });
    expect((await stat(file)).mode & 0o7777).toBe(0o754);
    await fx.edit({ command: 'undo_edit', path: file });
    expect((await stat(file)).mode & 0o7777).toBe(0o754);
  });

  it.skipIf(!isRoot)('keeps the owner of an edited file', async () => {
    const file = await fx.put('owned.txt', 'a\n');
    await chown(file, 65534, 65534);
    await fx.edit({ command: 'insert', path: file, insertLine: 1, newStr: 'b' });
    expect(await stat(file)).toMatchObject({ uid: 65534, gid: 65534 });
  });
});
