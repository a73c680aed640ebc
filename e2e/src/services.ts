import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ReadyLineSchema } from '@handoff/protocol';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where each service's bundle lands after `npm run build`. */
export const BUNDLES = {
  runtimeApi: path.join(REPO_ROOT, 'runtime-api/dist/main.js'),
  actionServer: path.join(REPO_ROOT, 'sandbox/dist/main.js'),
  agentServer: path.join(REPO_ROOT, 'agent-server/dist/main.js'),
} as const;

/** A service started from its bundle, ready to serve. */
export interface RunningService {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything it wrote to stderr so far (its log). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code once it has exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Spawns a bundled service and waits for its `{"type":"ready","port":n}` stdout line
 * (docs/architecture.md). Fails with the service's stderr when it exits first.
 */
export async function startService(
  entry: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunningService> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  const port = await readReadyLine(child, exited, timeoutMs, () => log);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stderr: () => log,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return child.exitCode;
    },
  };
}

async function readReadyLine(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
  log: () => string,
): Promise<number> {
  const lines = createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<number>((resolve, reject) => {
        lines.once('line', (line) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            parsed = undefined;
          }
          const ready = ReadyLineSchema.safeParse(parsed);
          if (ready.success) resolve(ready.data.port);
          else reject(new Error(`First stdout line is not the ready line: ${line}`));
        });
      }),
      exited.then((code) => {
        throw new Error(`Service exited with ${String(code)} before it was ready:\n${log()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`Service was not ready within ${timeoutMs} ms:\n${log()}`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    lines.close();
    // Keep draining stdout so a chatty service can never block on a full pipe.
    child.stdout?.resume();
  }
}
