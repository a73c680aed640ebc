import { execFile } from 'node:child_process';

/** The label every container a test starts carries, so leftovers can be found and removed. */
export const TEST_LABEL = 'handoff.test=1';

/** What `docker` printed, and how it ended. */
export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run the docker CLI. */
export interface DockerOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** The engine to talk to (`-H`, e.g. `unix:///run/handoff-docker-2.sock`); the default one when absent. */
  host?: string;
}

/** `args` aimed at `host` (with `-H`), or unchanged for the default engine. */
function withHost(args: readonly string[], host: string | undefined): readonly string[] {
  return host === undefined ? args : ['-H', host, ...args];
}

/** Runs the docker CLI; resolves with its exit code and output, whatever the code. */
export function docker(args: readonly string[], options: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      withHost(args, options.host),
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        timeout: options.timeoutMs ?? 120_000,
        env: { ...process.env, ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr: error !== null && stderr === '' ? error.message : stderr });
      },
    );
  });
}

/** Runs the docker CLI and returns its trimmed stdout; throws with its stderr when it fails. */
export async function dockerOk(args: readonly string[], options: DockerOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.code !== 0) {
    throw new Error(
      `docker ${withHost(args, options.host).join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout.trim();
}

/**
 * Removes every container a test run left behind (they all carry {@link TEST_LABEL}) from `host`,
 * the default engine when absent.
 */
export async function removeTestContainers(host?: string): Promise<number> {
  const ids = (await dockerOk(['ps', '--all', '--quiet', '--filter', `label=${TEST_LABEL}`], { host }))
    .split('\n')
    .filter((id) => id !== '');
  if (ids.length > 0) await dockerOk(['rm', '--force', '--volumes', ...ids], { host });
  return ids.length;
}
