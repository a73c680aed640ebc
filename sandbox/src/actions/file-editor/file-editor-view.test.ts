import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEditorFixture, numbered } from './editor-fixture';
import type { EditorFixture } from './editor-fixture';
import { DIRECTORY_CLIPPED_NOTICE, FILE_CLIPPED_NOTICE, MAX_RESPONSE_CHARS } from './output-format';

let fx: EditorFixture;

beforeEach(async () => {
  fx = await createEditorFixture();
});

afterEach(() => fx.dispose());

const FIVE_LINES = 'one\ntwo\nthree\nfour\nfive\n';

describe('view of a file', () => {
  it('shows the whole file cat -n style, relative paths made absolute', async () => {
    const file = await fx.put('src/a.txt', 'a\n\tb\n');
    const observation = await fx.edit({ command: 'view', path: 'src/a.txt' });
    expect(observation).toEqual({
      type: 'file_editor',
      command: 'view',
      path: file,
      isError: false,
      output: `Here's the result of running \`cat -n\` on ${file}:\n     1\ta\n     2\t\tb\n     3\t\n`,
    });
    expect((await fx.edit({ command: 'view', path: file })).output).toBe(observation.output);
  });

  it('shows a range, and -1 means to the end', async () => {
    const file = await fx.put('f.txt', FIVE_LINES);
    expect((await fx.edit({ command: 'view', path: file, viewRange: [2, 3] })).output).toBe(
      `Here's the result of running \`cat -n\` on ${file}:\n${numbered('two\nthree', 2)}\n`,
    );
    expect((await fx.edit({ command: 'view', path: file, viewRange: [4, -1] })).output).toBe(
      `Here's the result of running \`cat -n\` on ${file}:\n${numbered('four\nfive', 4)}\n`,
    );
  });

  it('notes when the range ends past the last line', async () => {
    const file = await fx.put('f.txt', FIVE_LINES);
    expect((await fx.edit({ command: 'view', path: file, viewRange: [4, 10] })).output).toBe(
      "NOTE: We only show up to 5 since there're only 5 lines in this file.\n" +
        `Here's the result of running \`cat -n\` on ${file}:\n${numbered('four\nfive', 4)}\n`,
    );
  });

  it.each([
    [[0, 2], 'Its first element `0` should be within the range of lines of the file: [1, 5].'],
    [[6, 7], 'Its first element `6` should be within the range of lines of the file: [1, 5].'],
    [[3, 2], 'Its second element `2` should be greater than or equal to the first element `3`.'],
    [[3, -2], 'Its second element `-2` should be greater than or equal to the first element `3`.'],
  ] as const)('refuses view_range %j with OpenHands wording', async (range, hint) => {
    const file = await fx.put('f.txt', FIVE_LINES);
    const observation = await fx.edit({ command: 'view', path: file, viewRange: [range[0], range[1]] });
    expect(observation.isError).toBe(true);
    expect(observation.output).toBe(
      `ERROR:\nInvalid \`view_range\` parameter: [${range[0]}, ${range[1]}]. ${hint}`,
    );
  });

  it('clips a long file at 16,000 characters with the file notice', async () => {
    const content = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n');
    const file = await fx.put('long.txt', content);
    const { output } = await fx.edit({ command: 'view', path: file });
    expect(output).toBe(
      `Here's the result of running \`cat -n\` on ${file}:\n` +
        `${numbered(content.slice(0, MAX_RESPONSE_CHARS) + FILE_CLIPPED_NOTICE)}\n`,
    );
  });

  it('refuses a file over 10 MB', async () => {
    const file = await fx.put('big.txt', Buffer.alloc(11 * 1024 * 1024, 'a'));
    const observation = await fx.edit({ command: 'view', path: file });
    expect(observation.output).toBe(
      `ERROR:\nFile validation failed for ${file}: File is too large (11.0MB). Maximum allowed size is 10MB.`,
    );
  });

  it('refuses a binary file', async () => {
    const file = await fx.put('blob.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    const observation = await fx.edit({ command: 'view', path: file });
    expect(observation).toMatchObject({ isError: true });
    expect(observation.output).toBe(
      `ERROR:\nFile validation failed for ${file}: File appears to be binary and this file type cannot be read or edited by this tool.`,
    );
  });

  it('says when the path does not exist', async () => {
    const observation = await fx.edit({ command: 'view', path: 'missing.txt' });
    const file = fx.at('missing.txt');
    expect(observation).toMatchObject({ isError: true, path: file });
    expect(observation.output).toBe(
      `ERROR:\nInvalid \`path\` parameter: ${file}. The path ${file} does not exist. Please provide a valid path.`,
    );
  });

  it('refuses a named pipe instead of blocking on it', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fx.at('pipe')]);
    const observation = await fx.edit({ command: 'view', path: 'pipe' });
    expect(observation.isError).toBe(true);
    expect(observation.output).toContain('neither a regular file nor a directory');
  });
});

describe('view of a directory', () => {
  async function tree(): Promise<void> {
    await fx.put('README.md', '# hi\n');
    await fx.put('src/a.ts', '');
    await fx.put('src/lib/deep/x.ts', '');
    await fx.put('src/.hidden', '');
    await fx.put('.git/config', '');
    await fx.put('.env', '');
    await mkdir(fx.at('b-dir'));
  }

  it('lists two levels deep, hidden entries left out and counted, directories with /', async () => {
    await tree();
    const ws = fx.workspace;
    const observation = await fx.edit({ command: 'view', path: ws });
    expect(observation).toMatchObject({ isError: false, path: ws });
    expect(observation.output).toBe(
      [
        `Here's the files and directories up to 2 levels deep in ${ws}, excluding hidden items:`,
        `${ws}/`,
        `${ws}/README.md`,
        `${ws}/b-dir/`,
        `${ws}/src/`,
        `${ws}/src/a.ts`,
        `${ws}/src/lib/`,
        '',
        `2 hidden files/directories in this directory are excluded. You can use 'ls -la ${ws}' to see them.`,
      ].join('\n'),
    );
  });

  it('adds no note when nothing is hidden, and lists a subdirectory by relative path', async () => {
    await tree();
    const src = fx.at('src');
    expect((await fx.edit({ command: 'view', path: 'src' })).output).toBe(
      [
        `Here's the files and directories up to 2 levels deep in ${src}, excluding hidden items:`,
        `${src}/`,
        `${src}/a.ts`,
        `${src}/lib/`,
        `${src}/lib/deep/`,
        '',
        `1 hidden files/directories in this directory are excluded. You can use 'ls -la ${src}' to see them.`,
      ].join('\n'),
    );
    const lib = fx.at('src/lib');
    expect((await fx.edit({ command: 'view', path: lib })).output).toBe(
      `Here's the files and directories up to 2 levels deep in ${lib}, excluding hidden items:\n${lib}/\n${lib}/deep/\n${lib}/deep/x.ts`,
    );
  });

  it('follows symlinks inside the workspace but never lists what lies outside', async () => {
    await fx.put('real/inner.txt', '');
    await symlink(fx.at('real'), fx.at('inside-link'));
    await symlink('/etc', fx.at('outside-link'));
    const ws = fx.workspace;
    const { output } = await fx.edit({ command: 'view', path: ws });
    expect(output.split('\n').slice(1)).toEqual([
      `${ws}/`,
      `${ws}/inside-link/`,
      `${ws}/inside-link/inner.txt`,
      `${ws}/outside-link`,
      `${ws}/real/`,
      `${ws}/real/inner.txt`,
    ]);
  });

  it('refuses a view_range', async () => {
    const observation = await fx.edit({ command: 'view', path: fx.workspace, viewRange: [1, 2] });
    expect(observation.output).toBe(
      'ERROR:\nInvalid `view_range` parameter: [1, 2]. The `view_range` parameter is not allowed when `path` points to a directory.',
    );
  });

  it('clips a large listing with the directory notice', async () => {
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        writeFile(fx.at(`file-${String(i).padStart(4, '0')}-${'n'.repeat(40)}`), ''),
      ),
    );
    const { output } = await fx.edit({ command: 'view', path: fx.workspace });
    expect(output.endsWith(DIRECTORY_CLIPPED_NOTICE)).toBe(true);
    expect(output.length).toBe(MAX_RESPONSE_CHARS + DIRECTORY_CLIPPED_NOTICE.length);
    expect(output.split('\n')[2]).toBe(`${fx.workspace}/file-0000-${'n'.repeat(40)}`);
  });
});
