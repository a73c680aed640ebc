/**
 * @module Starts code-server (real VS Code, served to a browser) with the built Handoff extension
 * installed, in a throwaway root: its own user data, extensions, HOME, XDG folders and TMPDIR,
 * so nothing of this machine's VS Code or code-server state is read or written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../services';

/** Where ensure-code-server.sh installed code-server: the Node 24 binary that runs it and its entry. */
export interface CodeServerInstall {
  readonly node: string;
  readonly entry: string;
}

/** What to start code-server with. */
export interface CodeServerOptions {
  /** User settings written to `<user-data-dir>/User/settings.json`, over {@link QUIET_SETTINGS}. */
  settings?: Record<string, unknown>;
  /** Files to create in the workspace folder, by relative path. */
  files?: Record<string, string>;
  /** A folder copied as the workspace before `files` are written (e.g. a git clone, `.git` included). */
  workspaceFrom?: string;
  /** More extension folders (each with its package.json) installed beside Handoff, e.g. test-only ones. */
  extraExtensions?: readonly string[];
  /** More environment for code-server and its extension host (e.g. what a test-only extension reads). */
  env?: Record<string, string>;
  /** Pass `--disable-workspace-trust`. Off by default: the extension must cope with trust. */
  disableWorkspaceTrust?: boolean;
  /** The extension folder to install (package.json, dist/, media/, README.md). Default: extension/. */
  extensionDir?: string;
  /** How long to wait for the "HTTP server listening" line; default 60 s. */
  startTimeoutMs?: number;
}

/** A running code-server. */
export interface CodeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The workspace folder it is told to open (see {@link workbenchUrl}). */
  readonly workspace: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Everything code-server wrote to stdout and stderr so far. */
  log(): string;
  /** Kills code-server's whole process group (its extension host, terminals, …), then removes the root. */
  stop(): Promise<void>;
}

/**
 * Settings that keep the workbench still and offline: no welcome page, no AI chat panel, no
 * gallery or update checks, no tips. Tests add their own (e.g. `handoff.runtimeApiUrl`).
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
};

const LISTENING = /HTTP server listening on (http:\/\/[^\s/]+)/;

/** The URL that opens `server.workspace` in the workbench. */
export function workbenchUrl(server: Pick<CodeServer, 'url' | 'workspace'>): string {
  return `${server.url}/?folder=${encodeURIComponent(server.workspace)}`;
}

/**
 * Installs the extension the way a VSIX install lays it out: `<publisher>.<name>-<version>` in the
 * extensions folder, holding what `.vscodeignore` ships (`entries`, or `'all'` of the folder).
 * code-server scans the folder at start (and writes its extensions.json itself), so copying is enough.
 */
export function installExtension(
  extensionDir: string,
  extensionsDir: string,
  entries: readonly string[] | 'all' = ['package.json', 'README.md', 'dist', 'media'],
): string {
  const manifest = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  mkdirSync(target, { recursive: true });
  if (entries === 'all') cpSync(extensionDir, target, { recursive: true });
  else
    for (const entry of entries)
      cpSync(path.join(extensionDir, entry), path.join(target, entry), { recursive: true });
  return `${manifest.publisher}.${manifest.name}`;
}

interface Layout {
  root: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  home: string;
  tmp: string;
}

function prepareLayout(options: CodeServerOptions): Layout {
  const root = mkdtempSync(path.join(tmpdir(), 'handoff-vscode-'));
  const layout: Layout = {
    root,
    workspace: path.join(root, 'workspace'),
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
  };
  for (const dir of [layout.workspace, layout.extensionsDir, layout.home, layout.tmp])
    mkdirSync(dir, { recursive: true });
  mkdirSync(path.join(layout.userDataDir, 'User'), { recursive: true });
  writeFileSync(
    path.join(layout.userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2),
  );
  if (options.workspaceFrom !== undefined)
    cpSync(options.workspaceFrom, layout.workspace, { recursive: true });
  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(layout.workspace, file)), { recursive: true });
    writeFileSync(path.join(layout.workspace, file), text);
  }
  installExtension(options.extensionDir ?? path.join(REPO_ROOT, 'extension'), layout.extensionsDir);
  for (const extra of options.extraExtensions ?? []) installExtension(extra, layout.extensionsDir, 'all');
  return layout;
}

function spawnCodeServer(
  install: CodeServerInstall,
  layout: Layout,
  options: CodeServerOptions,
): ChildProcess {
  const args = [
    install.entry,
    '--bind-addr=127.0.0.1:0',
    '--auth=none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    `--user-data-dir=${layout.userDataDir}`,
    `--extensions-dir=${layout.extensionsDir}`,
    ...(options.disableWorkspaceTrust === true ? ['--disable-workspace-trust'] : []),
    layout.workspace,
  ];
  const home = layout.home;
  // detached: code-server leads its own process group (setsid), so stop() reaches every descendant.
  return spawn(install.node, args, {
    cwd: layout.workspace,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: `${path.dirname(install.node)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      LANG: 'C.UTF-8',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_RUNTIME_DIR: layout.tmp,
      TMPDIR: layout.tmp,
      ...options.env,
    },
  });
}

/** Resolves with code-server's address from its "HTTP server listening on" line. */
function waitUntilListening(child: ChildProcess, log: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = [child.stdout, child.stderr].map((stream) => createInterface({ input: stream! }));
    const finish = (error: Error | undefined, url?: string): void => {
      clearTimeout(timer);
      for (const reader of lines) reader.removeListener('line', onLine);
      child.removeListener('exit', onExit);
      if (error) reject(error);
      else resolve(url!);
    };
    const onLine = (line: string): void => {
      const match = LISTENING.exec(line);
      if (match) finish(undefined, match[1]);
    };
    const onExit = (code: number | null): void => {
      finish(new Error(`code-server exited (${String(code)}) before it listened:\n${log()}`));
    };
    const timer = setTimeout(() => {
      finish(new Error(`code-server did not listen within ${timeoutMs} ms:\n${log()}`));
    }, timeoutMs);
    for (const reader of lines) reader.on('line', onLine);
    child.once('exit', onExit);
  });
}

/** Signals code-server's process group; it may already be gone. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already exited.
  }
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
        });
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => {
    killGroup(child, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
  // The leader may exit before its extension host and terminals: make sure none outlives it.
  killGroup(child, 'SIGKILL');
}

/** Starts code-server on a free loopback port and resolves once it serves. */
export async function startCodeServer(
  install: CodeServerInstall,
  options: CodeServerOptions = {},
): Promise<CodeServer> {
  const layout = prepareLayout(options);
  const child = spawnCodeServer(install, layout, options);
  let output = '';
  const collect = (chunk: string): void => {
    output = (output + chunk).slice(-200_000);
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const stop = async (): Promise<void> => {
    await stopGroup(child, 5_000);
    rmSync(layout.root, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const url = await waitUntilListening(child, () => output, options.startTimeoutMs ?? 60_000);
    return { ...layout, url, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
