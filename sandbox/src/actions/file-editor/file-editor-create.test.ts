import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEditorFixture } from './editor-fixture';
import type { EditorFixture } from './editor-fixture';

let fx: EditorFixture;
let outside: string;

beforeEach(async () => {
  fx = await createEditorFixture();
  outside = await mkdtemp(path.join(tmpdir(), 'handoff-outside-'));
});

afterEach(async () => {
  await fx.dispose();
  await rm(outside, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

describe('create', () => {
  it('writes a new file, making its parent directories, and reports a diff', async () => {
    const observation = await fx.edit({ command: 'create', path: 'sub/dir/new.txt', fileText: 'a\nb\n' });
    const file = fx.at('sub/dir/new.txt');
    expect(observation).toEqual({
      type: 'file_editor',
      command: 'create',
      path: file,
      isError: false,
      output: `File created successfully at: ${file}`,
      diff: '--- /dev/null\n+++ b/sub/dir/new.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    });
    expect(await readFile(file, 'utf8')).toBe('a\nb\n');
  });

  it('leaves no temp file behind', async () => {
    await fx.edit({ command: 'create', path: 'x.txt', fileText: 'x' });
    expect(await readdir(fx.workspace)).toEqual(['x.txt']);
  });

  it('refuses to overwrite, with OpenHands wording, and leaves the file alone', async () => {
    const file = await fx.put('keep.txt', 'original');
    const observation = await fx.edit({ command: 'create', path: file, fileText: 'new' });
    expect(observation.isError).toBe(true);
    expect(observation.output).toBe(
      `ERROR:\nInvalid \`path\` parameter: ${file}. File already exists at: ${file}. Cannot overwrite files using command \`create\`.`,
    );
    expect(await readFile(file, 'utf8')).toBe('original');
  });

  it('refuses a directory as an existing path', async () => {
    await mkdir(fx.at('d'));
    expect((await fx.edit({ command: 'create', path: 'd', fileText: '' })).output).toContain(
      'Cannot overwrite files using command `create`.',
    );
  });

  it('requires file_text', async () => {
    expect((await fx.edit({ command: 'create', path: 'n.txt' })).output).toBe(
      'ERROR:\nParameter `file_text` is required for command: create.',
    );
    expect(existsSync(fx.at('n.txt'))).toBe(false);
  });

  it('creates an empty file', async () => {
    const observation = await fx.edit({ command: 'create', path: 'empty.txt', fileText: '' });
    expect(observation.isError).toBe(false);
    expect(observation.diff).toBeUndefined();
    expect(await readFile(fx.at('empty.txt'), 'utf8')).toBe('');
  });

  it('reports a parent that is a file', async () => {
    await fx.put('plain', 'x');
    const observation = await fx.edit({ command: 'create', path: 'plain/child.txt', fileText: 'y' });
    expect(observation.isError).toBe(true);
    expect(observation.output).toBe(
      `ERROR:\nCannot create ${fx.at('plain/child.txt')}: ${fx.at('plain')} is a file, not a directory.`,
    );
  });

  it.skipIf(!isRoot)('gives what it makes to the command user', async () => {
    const nobody = { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' };
    const owned = await createEditorFixture(nobody);
    try {
      await owned.put('existing/keep.txt', '');
      await owned.edit({ command: 'create', path: 'existing/new/deeper/f.txt', fileText: 'x' });
      for (const made of ['existing/new', 'existing/new/deeper', 'existing/new/deeper/f.txt']) {
        expect(await stat(owned.at(made))).toMatchObject({ uid: 65534, gid: 65534 });
      }
      expect(await stat(owned.at('existing'))).toMatchObject({ uid: 0 });
    } finally {
      await owned.dispose();
    }
  });
});

describe('confinement', () => {
  const refusedMessage = (requested: string, via = '') =>
    `ERROR:\nInvalid \`path\` parameter: ${requested}. The path "${requested}" leads outside the workspace${via}. ` +
    `Only ${fx.workspace} and below it are allowed; give a path inside it.`;

  it.each(['../escape.txt', '/etc/passwd', 'a/../../escape.txt'])(
    'refuses %s for every command',
    async (requested) => {
      for (const command of ['view', 'create', 'str_replace', 'insert', 'undo_edit'] as const) {
        const observation = await fx.edit({
          command,
          path: requested,
          fileText: 'x',
          oldStr: 'a',
          newStr: 'b',
          insertLine: 0,
        });
        expect(observation).toMatchObject({ isError: true, command });
        expect(observation.output).toBe(refusedMessage(requested));
      }
      expect(existsSync(path.resolve(fx.workspace, '../escape.txt'))).toBe(false);
    },
  );

  it('refuses a symlink that leads out, and leaves its target alone', async () => {
    const target = path.join(outside, 'secret.txt');
    await writeFile(target, 'secret');
    await symlink(target, fx.at('link.txt'));
    for (const command of ['view', 'str_replace', 'insert', 'undo_edit'] as const) {
      const observation = await fx.edit({
        command,
        path: 'link.txt',
        oldStr: 'secret',
        newStr: 'leaked',
        insertLine: 0,
      });
      expect(observation.output).toBe(refusedMessage('link.txt', ' through a symlink'));
    }
    expect(await readFile(target, 'utf8')).toBe('secret');
  });

  it('refuses to create through a symlinked directory that leads out', async () => {
    await symlink(outside, fx.at('out-dir'));
    const observation = await fx.edit({ command: 'create', path: 'out-dir/sub/new.txt', fileText: 'x' });
    expect(observation.output).toBe(refusedMessage('out-dir/sub/new.txt', ' through a symlink'));
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses to create through a dangling symlink', async () => {
    await symlink(path.join(outside, 'not-yet.txt'), fx.at('dangling.txt'));
    const observation = await fx.edit({ command: 'create', path: 'dangling.txt', fileText: 'x' });
    expect(observation.isError).toBe(true);
    expect(existsSync(path.join(outside, 'not-yet.txt'))).toBe(false);
  });

  it('refuses a NUL byte in the path', async () => {
    const observation = await fx.edit({ command: 'view', path: 'a\0b' });
    expect(observation.output).toBe('ERROR:\nInvalid `path` parameter: a\0b. The path contains a NUL byte.');
  });
});
