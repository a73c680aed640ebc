import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionError, HandoffError } from '../agent/errors';
import { TarUploadServer } from '../testing/tar-upload-server';
import { uploadWorkspace } from './upload-workspace';
import type { UploadProgress } from './upload-workspace';

const KEY = 'upload-test-session-key';

let dir: string;
let root: string;
let target: string;
let server: TarUploadServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'upload-workspace-'));
  root = path.join(dir, 'project');
  target = path.join(dir, 'sandbox-workspace');
  await mkdir(root);
  server = await TarUploadServer.start(target, KEY);
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: root,
    stdio: 'ignore',
  });
}

async function write(rel: string, content: string | Buffer = `${rel}\n`): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A repository with a commit, an ignored file, an untracked file, odd names, a script and links. */
async function makeRepository(): Promise<void> {
  git('init', '-q');
  await write('.gitignore', 'ignored.log\n');
  await write('src/with space.ts', 'export const x = 1;\n');
  await write('bin/run.sh', '#!/bin/sh\necho hi\n');
  await chmod(path.join(root, 'bin/run.sh'), 0o755);
  await write('data/blob.bin', Buffer.from([0, 1, 2, 255, 254]));
  await write(`deep/${'long-folder-name/'.repeat(8)}ünïcödé file.txt`, 'deep\n');
  await symlink('src/with space.ts', path.join(root, 'link-in'));
  await symlink('/etc/hostname', path.join(root, 'link-out'));
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  await write('ignored.log', 'not uploaded\n');
  await write('untracked.md', '# new\n');
}

const server_ = () => ({ agentServerUrl: server.url, sessionApiKey: KEY });

describe('uploadWorkspace', () => {
  it('uploads what git would commit, keeps modes and links, and hashes what it sent', async () => {
    await makeRepository();
    const progress: UploadProgress[] = [];
    const result = await uploadWorkspace({
      root,
      server: server_(),
      limitBytes: 1024 * 1024,
      onProgress: (p) => progress.push(p),
    });
    const deep = `deep/${'long-folder-name/'.repeat(8)}ünïcödé file.txt`;
    const regular = ['.gitignore', 'bin/run.sh', 'data/blob.bin', deep, 'src/with space.ts', 'untracked.md'];
    expect([...result.files.keys()].sort()).toEqual(regular.sort());
    for (const rel of regular) {
      const local = await readFile(path.join(root, rel));
      expect(await readFile(path.join(target, rel)), rel).toEqual(local);
      expect(result.files.get(rel), rel).toBe(sha256(local));
    }
    expect((await stat(path.join(target, 'bin/run.sh'))).mode & 0o111).not.toBe(0);
    expect((await stat(path.join(target, 'untracked.md'))).mode & 0o111).toBe(0);
    expect((await lstat(path.join(target, 'link-in'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(target, 'link-in'))).toBe('src/with space.ts');
    await expect(lstat(path.join(target, 'link-out'))).rejects.toThrow();
    await expect(lstat(path.join(target, 'ignored.log'))).rejects.toThrow();
    expect(result.skipped).toEqual([
      { path: 'link-out', reason: expect.stringContaining('outside the workspace') as string },
    ]);
    expect(result).toMatchObject({ count: 6, source: 'git' });
    expect(result.bytes).toBe(await sizes(regular));
    expect(server.received).toEqual([
      {
        url: '/api/workspace/upload?path=.',
        contentType: 'application/x-tar',
        bytes: progress.at(-1)?.sentBytes,
      },
    ]);
    expect(
      progress.every(
        (p, i) => p.sentBytes <= p.totalBytes && (i === 0 || p.sentBytes > (progress[i - 1]?.sentBytes ?? 0)),
      ),
    ).toBe(true);
  });

  it('refuses a workspace over the limit before sending anything, naming size, limit and setting', async () => {
    await write('big.bin', Buffer.alloc(3 * 1024 * 1024));
    const failure = uploadWorkspace({ root, server: server_(), limitBytes: 2 * 1024 * 1024 });
    await expect(failure).rejects.toBeInstanceOf(HandoffError);
    await expect(failure).rejects.toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(
        /3\.0 MB in 1 files, more than the upload limit of 2\.0 MB.*"handoff\.maxUploadMb"/,
      ) as string,
    });
    expect(server.received).toEqual([]);
  });

  it('raises the server refusal as a typed error, and a connection error when nobody listens', async () => {
    await write('a.txt');
    await expect(
      uploadWorkspace({
        root,
        server: { agentServerUrl: server.url, sessionApiKey: 'wrong-key' },
        limitBytes: 1024,
      }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    const url = server.url;
    await server.close();
    await expect(
      uploadWorkspace({ root, server: { agentServerUrl: url, sessionApiKey: KEY }, limitBytes: 1024 }),
    ).rejects.toBeInstanceOf(ConnectionError);
  });

  it('sends the key only as a header', async () => {
    await write('a.txt');
    await uploadWorkspace({ root, server: server_(), limitBytes: 1024 });
    expect(server.received[0]?.url).not.toContain(KEY);
  });
});

async function sizes(rels: string[]): Promise<number> {
  const all = await Promise.all(rels.map(async (rel) => (await stat(path.join(root, rel))).size));
  return all.reduce((a, b) => a + b, 0);
}
