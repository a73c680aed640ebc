import { execFile } from 'node:child_process';

/** The label every container a test starts carries, so leftovers can be found and removed. */
export const TEST_LABEL = 'handoff.test=1';

/** What `docker` printed, and how it ended. */
export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the docker CLI; resolves with its exit code and output, whatever the code. */
export function docker(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      args,
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
export async function dockerOk(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string> {
  const result = await docker(args, options);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

/** Removes every container a test run left behind (they all carry {@link TEST_LABEL}). */
export async function removeTestContainers(): Promise<number> {
  const ids = (await dockerOk(['ps', '--all', '--quiet', '--filter', `label=${TEST_LABEL}`]))
    .split('\n')
    .filter((id) => id !== '');
  if (ids.length > 0) await dockerOk(['rm', '--force', '--volumes', ...ids]);
  return ids.length;
}
