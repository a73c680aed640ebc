import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChangesResponseSchema,
  DirectoryListingSchema,
  ErrorBodySchema,
  SESSION_API_KEY_HEADER,
  UploadResponseSchema,
} from '@handoff/protocol';
import type { ErrorBody } from '@handoff/protocol';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateAppOptions } from '../server';
import { createApp } from '../server';
import { RecordingLogger } from '../testing/recording-logger';
import { newSessionKey } from '../testing/session-key';
import { packTar, rawTar } from '../testing/tar-builder';
import type { RawTarEntry } from '../testing/tar-builder';
import { createTempWorkspace } from '../testing/temp-workspace';
import type { TempWorkspace } from '../testing/temp-workspace';
import { describeTree } from '../testing/tree-listing';

const KEY = newSessionKey();
let workspace: TempWorkspace;
let outside: string;
let app: Hono;

function makeApp(extra: Partial<CreateAppOptions> = {}): Hono {
  return createApp({
    sessionApiKey: KEY,
    workspace: workspace.path,
    logger: new RecordingLogger(),
    ...extra,
  });
}

beforeEach(async () => {
  workspace = await createTempWorkspace();
  outside = await mkdtemp(path.join(tmpdir(), 'handoff-outside-'));
  app = makeApp();
});

afterEach(async () => {
  await workspace.dispose();
  await rm(outside, { recursive: true, force: true });
});

const at = (...parts: string[]): string => path.join(workspace.path, ...parts);

function upload(where: string, body: Uint8Array | string, contentType = 'application/x-tar', to = app) {
  return to.request(`http://localhost/files/upload?path=${encodeURIComponent(where)}`, {
    method: 'PUT',
    headers: { [SESSION_API_KEY_HEADER]: KEY, 'content-type': contentType },
    body,
  });
}

function get(route: string, where?: string) {
  const query = where === undefined ? '' : `?path=${encodeURIComponent(where)}`;
  return app.request(`http://localhost${route}${query}`, { headers: { [SESSION_API_KEY_HEADER]: KEY } });
}

async function download(where: string): Promise<Buffer> {
  const response = await get('/files/download', where);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function errorOf(response: Response): Promise<ErrorBody> {
  return ErrorBodySchema.parse(await response.json());
}

async function makeSample(root: string): Promise<void> {
  await mkdir(path.join(root, 'bin'), { recursive: true });
  await mkdir(path.join(root, 'empty'));
  await mkdir(path.join(root, 'nested', 'deep'), { recursive: true });
  await writeFile(path.join(root, 'a.txt'), 'alpha\n');
  await writeFile(path.join(root, '.hidden'), 'secret-ish\n');
  await writeFile(path.join(root, 'bin', 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  await chmod(path.join(root, 'bin', 'run.sh'), 0o755);
  await writeFile(path.join(root, 'nested', 'deep', 'x.txt'), 'deep\n');
  // Past ustar's 100-byte name field (a pax header), and not ASCII.
  await writeFile(path.join(root, 'nested', 'deep', `${'long-name-'.repeat(12)}ünïcødé.txt`), 'long\n');
  await symlink('a.txt', path.join(root, 'link'));
  await symlink('../a.txt', path.join(root, 'nested', 'up'));
}

describe('PUT /files/upload and GET /files/download', () => {
  it('round-trips a folder: contents, modes, symlinks (as links) and empty folders', async () => {
    await makeSample(at('src'));
    const response = await get('/files/download', 'src');
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="src.tar"');
    const archive = Buffer.from(await response.arrayBuffer());

    const uploaded = await upload('copy/here', archive);
    expect(uploaded.status).toBe(200);
    expect(UploadResponseSchema.parse(await uploaded.json())).toEqual({
      path: at('copy', 'here'),
      files: 5,
      bytes:
        'alpha\n'.length +
        'secret-ish\n'.length +
        '#!/bin/sh\necho run\n'.length +
        'deep\n'.length +
        'long\n'.length,
    });
    expect(await describeTree(at('copy', 'here'))).toEqual(await describeTree(at('src')));
    expect((await stat(at('copy', 'here', 'bin', 'run.sh'))).mode & 0o777).toBe(0o755);
  });

  it('downloads one file under its own name', async () => {
    await makeSample(at('src'));
    await upload('one', await download('src/nested/deep/x.txt'));
    expect(await describeTree(at('one'))).toEqual([
      { path: 'x.txt', kind: 'file', mode: 0o644, content: 'deep\n' },
    ]);
  });

  it('downloads the whole workspace by default, and an empty folder as an empty archive', async () => {
    await mkdir(at('void'));
    const empty = await download('void');
    expect(empty.length).toBe(1024);
    const response = await upload('still-void', empty);
    expect(UploadResponseSchema.parse(await response.json())).toMatchObject({ files: 0, bytes: 0 });
    expect(await readdir(at('still-void'))).toEqual([]);

    await writeFile(at('top.txt'), 'top\n');
    const whole = await get('/files/download');
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename="workspace.tar"');
    expect((await upload('mirror', Buffer.from(await whole.arrayBuffer()))).status).toBe(200);
    expect((await describeTree(at('mirror'))).map((entry) => entry.path)).toEqual([
      'still-void',
      'top.txt',
      'void',
    ]);
  });

  it('accepts a gzip-compressed archive', async () => {
    await makeSample(at('src'));
    const gzipped = await packTar(at('src'), ['a.txt', 'bin'], { gzip: true });
    expect((await upload('gz', gzipped, 'application/gzip')).status).toBe(200);
    expect(await readFile(at('gz', 'bin', 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho run\n');
  });

  it('merges into an existing folder: replaces files, keeps the others', async () => {
    await mkdir(at('dest', 'bin'), { recursive: true });
    await writeFile(at('dest', 'a.txt'), 'old\n');
    await writeFile(at('dest', 'bin', 'mine.txt'), 'kept\n');
    await makeSample(at('src'));
    expect((await upload('dest', await download('src'))).status).toBe(200);
    expect(await readFile(at('dest', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(await readFile(at('dest', 'bin', 'mine.txt'), 'utf8')).toBe('kept\n');
  });

  it('drops set-user-ID, set-group-ID and sticky bits', async () => {
    const archive = rawTar([{ path: 'suid', body: 'x', mode: 0o6755 }]);
    expect((await upload('.', archive)).status).toBe(200);
    expect((await stat(at('suid'))).mode & 0o7777).toBe(0o755);
  });

  it('answers a missing path with 404 path_not_found and a path outside with 400', async () => {
    const missing = await get('/files/download', 'nope.txt');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('path_not_found');
    for (const where of ['../', '/etc', outsideRelative('x')]) {
      const response = await get('/files/download', where);
      expect(response.status).toBe(400);
      const body = await errorOf(response);
      expect(body.code).toBe('invalid_request');
      expect(body.message).toContain(`Only ${workspace.path} and below it are allowed`);
    }
  });

  it('refuses an upload path outside the workspace, through a symlink, or onto a file', async () => {
    await symlink(outside, at('escape'));
    await writeFile(at('file.txt'), 'f');
    const archive = rawTar([{ path: 'x.txt', body: 'x' }]);
    for (const where of ['..', '/tmp', 'escape', 'escape/sub', 'file.txt']) {
      const response = await upload(where, archive);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_request');
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a body that is not a tar stream, with a clear message and nothing written', async () => {
    const before = await describeTree(workspace.path);
    const cut = rawTar([{ path: 'big.txt', body: 'y'.repeat(5000) }]).subarray(0, 2048);
    for (const body of ['this is not a tar archive'.repeat(40), '', cut]) {
      const response = await upload('in', body);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('not a readable tar archive');
    }
    expect(await describeTree(workspace.path)).toEqual(before);
  });

  it('refuses another content type', async () => {
    const response = await upload('.', '{}', 'application/json');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('application/x-tar');
  });

  it('lets an upload written by it not count as the agent`s changes', async () => {
    await makeSample(at('src'));
    const archive = await download('src');
    await rm(at('src'), { recursive: true });
    await scan(); // the agent's deletion of src/ is reported; from now on, only the upload
    expect((await upload('incoming', archive)).status).toBe(200);
    await writeFile(at('agent.txt'), 'mine\n');
    expect((await scan()).map((change) => change.path)).toEqual(['agent.txt']);
  });
});

describe('hostile archives are refused whole, with nothing written anywhere', () => {
  const cases: [string, RawTarEntry[]][] = [
    ['an absolute path', [{ path: '/tmp/handoff-absolute-test.txt', body: 'x' }]],
    ['a path with ..', [{ path: '../escape.txt', body: 'x' }]],
    ['a path climbing out', [{ path: 'a/../../escape.txt', body: 'x' }]],
    ['a symlink out of the workspace', [{ path: 'out', type: 'SymbolicLink', linkpath: '/etc' }]],
    ['a relative symlink out', [{ path: 'deep/out', type: 'SymbolicLink', linkpath: '../../..' }]],
    [
      'a file written through an archive symlink',
      [
        { path: 'inside', type: 'SymbolicLink', linkpath: 'real' },
        { path: 'inside/passwd', body: 'root::0:0::/:/bin/sh\n' },
      ],
    ],
    [
      'a symlink that replaces an archive folder',
      [
        { path: 'dir/a.txt', body: 'a' },
        { path: 'dir', type: 'SymbolicLink', linkpath: 'elsewhere' },
      ],
    ],
    [
      'a symlink below a file of the archive',
      [
        { path: 'plain', body: 'a file' },
        { path: 'plain/link', type: 'SymbolicLink', linkpath: '../keep.txt' },
      ],
    ],
    ['a hard link to a system file', [{ path: 'h', type: 'Link', linkpath: '/etc/passwd' }]],
    ['a hard link climbing out', [{ path: 'h', type: 'Link', linkpath: '../../../../etc/passwd' }]],
    ['a hard link to a file not in the archive', [{ path: 'h', type: 'Link', linkpath: 'keep.txt' }]],
    ['a character device', [{ path: 'null', type: 'CharacterDevice' }]],
    ['a block device', [{ path: 'disk', type: 'BlockDevice' }]],
    ['a FIFO', [{ path: 'pipe', type: 'FIFO' }]],
  ];

  it.each(cases)('refuses %s', async (_, entries) => {
    await writeFile(at('keep.txt'), 'keep\n');
    const before = await describeTree(workspace.path);
    const archive = rawTar([{ path: 'fine/first.txt', body: 'written before the bad entry' }, ...entries]);
    const response = await upload('.', archive);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^Upload refused: the archive entry ".+" /);
    expect(await describeTree(workspace.path)).toEqual(before);
    expect(await readdir(outside)).toEqual([]);
    await expect(lstat('/tmp/handoff-absolute-test.txt')).rejects.toThrow();
    await expect(lstat(path.dirname(workspace.path) + '/escape.txt')).rejects.toThrow();
  });

  it('accepts hard links to files earlier in the archive and symlinks inside', async () => {
    const archive = rawTar([
      { path: 'data/orig.txt', body: 'shared' },
      { path: 'data/copy.txt', type: 'Link', linkpath: 'data/orig.txt' },
      { path: 'data/ln', type: 'SymbolicLink', linkpath: 'orig.txt' },
      { path: 'top', type: 'SymbolicLink', linkpath: `${workspace.path}/data` },
    ]);
    const response = await upload('.', archive);
    expect(UploadResponseSchema.parse(await response.json())).toMatchObject({ files: 2, bytes: 6 });
    expect((await stat(at('data', 'copy.txt'))).ino).toBe((await stat(at('data', 'orig.txt'))).ino);
    expect(await readFile(at('top', 'ln'), 'utf8')).toBe('shared');
  });

  it('refuses to replace a workspace folder with a file, or write into a workspace symlink', async () => {
    await mkdir(at('taken', 'sub'), { recursive: true });
    await symlink(outside, at('portal'));
    const before = await describeTree(workspace.path);
    for (const entries of [[{ path: 'taken/sub', body: 'x' }], [{ path: 'portal/evil.txt', body: 'x' }]]) {
      const response = await upload('.', rawTar([{ path: 'ok.txt', body: 'ok' }, ...entries]));
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toContain('Nothing was changed');
    }
    expect(await describeTree(workspace.path)).toEqual(before);
    expect(await readdir(outside)).toEqual([]);
  });

  it('answers 413 past the size or entry cap, and writes nothing', async () => {
    const capped = makeApp({ uploadLimits: { maxBytes: 1000, maxEntries: 5 } });
    const tooBig = await upload(
      '.',
      rawTar([
        { path: 'a', body: 'a'.repeat(600) },
        { path: 'b', body: 'b'.repeat(600) },
      ]),
      undefined,
      capped,
    );
    expect(tooBig.status).toBe(413);
    expect((await errorOf(tooBig)).code).toBe('payload_too_large');
    const entries = Array.from({ length: 6 }, (_, i) => ({ path: `f${i}`, body: '' }));
    const tooMany = await upload('.', rawTar(entries), undefined, capped);
    expect(tooMany.status).toBe(413);
    expect((await errorOf(tooMany)).message).toContain('more than 5 entries');
    expect(await readdir(workspace.path)).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)('gives everything written to the command user', async () => {
    const nobody = { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' };
    const owned = makeApp({ commandUser: nobody });
    const archive = rawTar([
      { path: 'pkg/mod.py', body: 'x = 1\n' },
      { path: 'pkg/ln', type: 'SymbolicLink', linkpath: 'mod.py' },
    ]);
    expect((await upload('new/dir', archive, undefined, owned)).status).toBe(200);
    for (const rel of ['new', 'new/dir', 'new/dir/pkg', 'new/dir/pkg/mod.py', 'new/dir/pkg/ln']) {
      const stats = await lstat(at(rel));
      expect([rel, stats.uid, stats.gid]).toEqual([rel, 65534, 65534]);
    }
  });
});

describe('GET /files/list', () => {
  it('lists folders first, then by name, hidden entries included, symlinks not followed', async () => {
    await makeSample(workspace.path);
    await symlink('nested', at('dirlink'));
    const response = await get('/files/list');
    expect(response.status).toBe(200);
    const listing = DirectoryListingSchema.parse(await response.json());
    expect(listing.path).toBe(workspace.path);
    expect(listing.entries.map((entry) => [entry.name, entry.kind])).toEqual([
      ['bin', 'directory'],
      ['empty', 'directory'],
      ['nested', 'directory'],
      ['.hidden', 'file'],
      ['a.txt', 'file'],
      ['dirlink', 'symlink'],
      ['link', 'symlink'],
    ]);
    const file = listing.entries.find((entry) => entry.name === 'a.txt');
    expect(file?.size).toBe(6);
    expect(file?.modifiedAt).toBe((await stat(at('a.txt'))).mtime.toISOString());
    expect(listing.entries.find((entry) => entry.name === 'link')?.size).toBe('a.txt'.length);
  });

  it('answers a file with 400, a missing folder with 404 and a path outside with 400', async () => {
    await writeFile(at('f.txt'), 'x');
    expect((await errorOf(await get('/files/list', 'f.txt'))).message).toContain(
      'only folders can be listed',
    );
    expect((await get('/files/list', 'missing')).status).toBe(404);
    expect((await get('/files/list', '../..')).status).toBe(400);
  });
});

async function scan() {
  const response = await app.request('http://localhost/changes/scan', {
    method: 'POST',
    headers: { [SESSION_API_KEY_HEADER]: KEY },
  });
  expect(response.status).toBe(200);
  return ChangesResponseSchema.parse(await response.json()).changes;
}

/** The `outside` folder as a path relative to the workspace (climbing out with `..`). */
function outsideRelative(name: string): string {
  return path.relative(workspace.path, path.join(outside, name));
}
