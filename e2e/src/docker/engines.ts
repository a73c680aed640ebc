/**
 * @module The second Docker engine the multi-engine tests use (scripts/docker/second-engine.sh):
 * a dockerd beside the main one with its own socket, data root and networks (10.213.0.0/16).
 * Every docker CLI call for it goes through `-H <host>`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../services';
import { docker, dockerOk, type DockerOptions, type DockerResult } from './docker-cli';

/** The second engine's Docker host, as `docker -H` and dockerode's socketPath take it. */
export const SECOND_ENGINE_HOST = 'unix:///run/handoff-docker-2.sock';

const SCRIPT = path.join(REPO_ROOT, 'scripts/docker/second-engine.sh');
const SCRIPT_TIMEOUT_MS = 120_000;
const LOAD_TIMEOUT_MS = 600_000;

/** The second engine, driven through its script. */
export interface SecondEngine {
  /** `unix:///run/handoff-docker-2.sock`. */
  readonly host: string;
  /** The socket's path, for dockerode's `socketPath`. */
  readonly socketPath: string;
  /** Starts it (a no-op when it answers already); resolves once it answers. */
  start(): Promise<void>;
  /** Stops it; resolves once its socket no longer answers. Its containers stop with it. */
  stop(): Promise<void>;
  /** Whether it answers now. */
  isRunning(): Promise<boolean>;
  /** Runs the docker CLI against it. */
  docker(args: readonly string[], options?: Omit<DockerOptions, 'host'>): Promise<DockerResult>;
  /** Runs the docker CLI against it; returns trimmed stdout, throws with stderr on failure. */
  dockerOk(args: readonly string[], options?: Omit<DockerOptions, 'host'>): Promise<string>;
}

/** Runs second-engine.sh with `command`; throws with its output when it fails. */
function runScript(command: 'start' | 'stop' | 'status'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [SCRIPT, command],
      { encoding: 'utf8', timeout: SCRIPT_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout.trim());
        else reject(new Error(`second-engine.sh ${command} failed: ${(stderr || error.message).trim()}`));
      },
    );
  });
}

/** The second engine (nothing starts until `start()`). */
export function secondEngine(): SecondEngine {
  const host = SECOND_ENGINE_HOST;
  return {
    host,
    socketPath: host.slice('unix://'.length),
    start: async () => {
      await runScript('start');
    },
    stop: async () => {
      await runScript('stop');
    },
    isRunning: async () => (await docker(['info'], { host, timeoutMs: 30_000 })).code === 0,
    docker: (args, options) => docker(args, { ...options, host }),
    dockerOk: (args, options) => dockerOk(args, { ...options, host }),
  };
}

/** The image's id on `host` (the default engine when absent), or undefined when it has none. */
export async function imageId(image: string, host?: string): Promise<string | undefined> {
  const result = await docker(['image', 'inspect', '--format', '{{.Id}}', image], { host });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Resolves with the child's exit code once it has closed (null when killed or not started). */
function closed(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('error', () => {
      resolve(null);
    });
    child.once('close', (code) => {
      resolve(code);
    });
  });
}

/** Pipes `docker save <image>` on the default engine into `docker -H <host> load`. */
async function copyImage(image: string, host: string): Promise<void> {
  const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'pipe'] });
  const load = spawn('docker', ['-H', host, 'load', '--quiet'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  for (const child of [save, load]) {
    child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (errors = (errors + chunk).slice(-10_000)));
    child.once('error', (error) => (errors += `${error.message}\n`));
  }
  save.stdout.pipe(load.stdin);
  load.stdin.on('error', () => save.kill());
  const timer = setTimeout(() => {
    save.kill();
    load.kill();
    errors += `timed out after ${String(LOAD_TIMEOUT_MS)} ms\n`;
  }, LOAD_TIMEOUT_MS);
  const [saveCode, loadCode] = await Promise.all([closed(save), closed(load)]);
  clearTimeout(timer);
  if (saveCode !== 0 || loadCode !== 0)
    throw new Error(
      `Copying ${image} to ${host} failed (save exit ${String(saveCode)}, load exit ${String(loadCode)}): ${errors.trim()}`,
    );
}

/**
 * Makes `host` hold `image` exactly as the default engine has it: copies it (`docker save | load`,
 * ~800 MB for the sandbox image) only when `host` lacks that image id. Resolves with whether it
 * copied; throws when the default engine lacks the image or the copy fails.
 */
export async function ensureImageOn(host: string, image: string): Promise<{ copied: boolean }> {
  const wanted = await imageId(image);
  if (wanted === undefined) throw new Error(`The default Docker engine has no image ${image}.`);
  if ((await imageId(image, host)) === wanted) return { copied: false };
  await copyImage(image, host);
  const got = await imageId(image, host);
  if (got !== wanted)
    throw new Error(`After loading, ${host} has ${image} as ${String(got)}, not ${wanted}.`);
  return { copied: true };
}
