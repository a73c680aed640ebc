/**
 * @module The vscode project's global setup: installs (or reuses) code-server, Node 24 and
 * Chromium with scripts/vscode/ensure-code-server.sh, and builds the extension, the webview and
 * the service bundles when they are missing or older than their sources. It never throws: when
 * something fails it provides the reason instead, so every vscode test fails with that message
 * while the other projects still run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { BUNDLES, REPO_ROOT } from '../services';
import type { CodeServerInstall } from './code-server';

/** code-server's install, or why there is none. */
export type CodeServerSetupResult = ({ ok: true } & CodeServerInstall) | { ok: false; message: string };

declare module 'vitest' {
  export interface ProvidedContext {
    handoffCodeServer: CodeServerSetupResult;
  }
}

/** What the vscode tests run, and the sources each is built from. */
const OUTPUTS: readonly { file: string; sources: readonly string[] }[] = [
  {
    file: 'extension/dist/extension.cjs',
    sources: ['extension/src', 'protocol/src', 'extension/package.json'],
  },
  { file: 'extension/dist/webview/index.html', sources: ['webview/src', 'protocol/src'] },
  ...Object.values(BUNDLES).map((bundle) => {
    const part = path.relative(REPO_ROOT, bundle).split(path.sep)[0] ?? '';
    return { file: path.relative(REPO_ROOT, bundle), sources: [`${part}/src`, 'protocol/src'] };
  }),
];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function staleOutputs(): string[] {
  return OUTPUTS.filter(({ file, sources }) => {
    const output = path.join(REPO_ROOT, file);
    if (!existsSync(output)) return true;
    const built = statSync(output).mtimeMs;
    return sources.some((source) => newestMtime(path.join(REPO_ROOT, source)) > built);
  }).map(({ file }) => file);
}

interface Run {
  code: number | null;
  stdout: string;
  log: string;
}

/** Runs a command in the repository; its stderr is kept (the last 20 kB) and echoed with `prefix`. */
function run(command: string, args: readonly string[], prefix: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-20_000);
      if (chunk.startsWith(prefix)) process.stderr.write(chunk);
    });
    child.once('error', (error) => {
      resolve({ code: null, stdout, log: `${command} could not be started: ${error.message}` });
    });
    child.once('close', (code) => {
      resolve({ code, stdout, log });
    });
  });
}

async function ensureCodeServer(): Promise<CodeServerSetupResult> {
  const script = path.join(REPO_ROOT, 'scripts/vscode/ensure-code-server.sh');
  const result = await run('bash', [script], 'ensure-code-server:');
  const [node, entry] = result.stdout.trim().split('\n').slice(-2);
  if (result.code === 0 && node && entry && existsSync(node) && existsSync(entry))
    return { ok: true, node, entry };
  return {
    ok: false,
    message: `scripts/vscode/ensure-code-server.sh failed (exit ${String(result.code)}), so the vscode tests cannot run:\n${result.log}`,
  };
}

async function buildIfStale(): Promise<string | undefined> {
  const stale = staleOutputs();
  if (stale.length === 0) return undefined;
  process.stderr.write(`vscode tests: building (${stale.join(', ')} missing or older than its sources)\n`);
  const result = await run('npm', ['run', 'build'], '\u0000');
  if (result.code === 0) return undefined;
  return `"npm run build" failed (exit ${String(result.code)}), so the vscode tests cannot run:\n${result.log}`;
}

export default async function setup(project: TestProject): Promise<void> {
  const [install, buildError] = await Promise.all([ensureCodeServer(), buildIfStale()]);
  project.provide(
    'handoffCodeServer',
    buildError === undefined ? install : { ok: false, message: buildError },
  );
}
