import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The bundle `npm run build -w @handoff/sandbox` writes. */
export const BUILT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The built action server running as a child process. */
export interface SpawnedActionServer {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it wrote to stderr so far (its JSON log lines). */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (or signal name) once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * Spawns `dist/main.js` with exactly `env` (plus PATH) and waits for its ready line, as a
 * launcher does: no polling. Fails clearly when the bundle has not been built.
 */
export async function spawnActionServer(
  env: NodeJS.ProcessEnv,
  timeoutMs = 10_000,
): Promise<SpawnedActionServer> {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error(`${BUILT_MAIN} does not exist. Build it first: npm run build -w @handoff/sandbox`);
  }
  const child = spawn(process.execPath, [BUILT_MAIN], {
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal);
    });
  });
  const port = await readReadyPort(child, exited, timeoutMs, () => stderr);
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

async function readReadyPort(
  child: ChildProcess & { stdout: NodeJS.ReadableStream },
  exited: Promise<unknown>,
  timeoutMs: number,
  stderr: () => string,
): Promise<number> {
  const lines = createInterface({ input: child.stdout });
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`No ready line within ${timeoutMs} ms. stderr:\n${stderr()}`));
    }, timeoutMs);
    void exited.then((code) => {
      reject(new Error(`Action server exited (${String(code)}) before its ready line. stderr:\n${stderr()}`));
    });
  });
  try {
    const first = await Promise.race([lines[Symbol.asyncIterator]().next(), failure]);
    if (first.done === true) throw new Error(`stdout closed before the ready line. stderr:\n${stderr()}`);
    const ready = parseJson(first.value);
    if (!isReadyLine(ready)) throw new Error(`First stdout line is not a ready line: ${first.value}`);
    return ready.port;
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function isReadyLine(value: unknown): value is { type: 'ready'; port: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    value.type === 'ready' &&
    'port' in value &&
    typeof value.port === 'number'
  );
}
