import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A bundle of the action server, where Node finds its native dependencies (the repository's node_modules). */
export interface ActionServerBundle {
  file: string;
  dispose(): Promise<void>;
}

/**
 * Bundles the sandbox's action server from its current source (the parts do not import each
 * other; a test that needs the real one runs it as its own process). The bundle goes into
 * `agent-server/.cache/`, ignored by git, so `node-pty` resolves from the repository's modules.
 */
export async function bundleActionServer(): Promise<ActionServerBundle> {
  const cache = path.join(REPO_ROOT, 'agent-server', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'action-server-'));
  const file = path.join(dir, 'main.js');
  await promisify(execFile)(process.execPath, ['scripts/bundle-server.mjs', 'sandbox/src/main.ts', file], {
    cwd: REPO_ROOT,
  });
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A real action server running as a child process. */
export interface ActionServerProcess {
  url: string;
  /** Everything it logged so far (JSON lines on stderr). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the bundled action server on a free loopback port and waits for its ready line. */
export async function startActionServerProcess(options: {
  bundle: string;
  workspace: string;
  sessionApiKey: string;
}): Promise<ActionServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [options.bundle], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/root',
      HANDOFF_SESSION_API_KEY: options.sessionApiKey,
      HANDOFF_WORKSPACE: options.workspace,
      HANDOFF_HOST: '127.0.0.1',
      HANDOFF_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const line = await Promise.race([
    new Promise<string>((resolve) =>
      createInterface({ input: child.stdout ?? process.stdin }).once('line', resolve),
    ),
    exited.then(() => {
      throw new Error(`the action server exited before it was ready: ${stderr}`);
    }),
  ]);
  const { port } = JSON.parse(line) as { port: number };
  return {
    url: `http://127.0.0.1:${String(port)}`,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
