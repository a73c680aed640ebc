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
 * Containers and volumes younger than this belong to a test run that may still be going (several
 * `vitest --project docker` runs may share the engine), so cleanup leaves them alone; each test
 * removes its own, and what a crashed run leaked is removed by a later run.
 */
export const LEFTOVER_AGE_MS = 15 * 60_000;

/**
 * Removes the containers and volumes test runs left behind (they all carry {@link TEST_LABEL}) on
 * `host` (the default engine when absent), those older than {@link LEFTOVER_AGE_MS} only.
 */
export async function removeTestContainers(host?: string): Promise<number> {
  const listed = await dockerOk(
    ['ps', '--all', '--format', '{{.ID}}\t{{.CreatedAt}}', '--filter', `label=${TEST_LABEL}`],
    { host },
  );
  const ids = listed
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'))
    .filter(([, created]) => isLeftover(created))
    .map(([id]) => id ?? '');
  if (ids.length > 0) await dockerOk(['rm', '--force', '--volumes', ...ids], { host });
  await removeTestVolumes(host);
  return ids.length;
}

/** Removes labelled volumes no container uses any more (`docker volume prune` keeps used ones). */
async function removeTestVolumes(host: string | undefined): Promise<void> {
  const volumes = (
    await docker(
      ['volume', 'ls', '--quiet', '--filter', 'dangling=true', '--filter', `label=${TEST_LABEL}`],
      { host },
    )
  ).stdout
    .split('\n')
    .filter((name) => name !== '');
  // A dangling volume of a run in progress is one being created or removed right now: the runtime
  // that made it removes it; a volume still dangling at the next run is a leftover.
  const old: string[] = [];
  for (const name of volumes) {
    const created = (
      await docker(['volume', 'inspect', '--format', '{{.CreatedAt}}', name], { host })
    ).stdout.trim();
    if (isLeftover(created)) old.push(name);
  }
  if (old.length > 0) await docker(['volume', 'rm', '--force', ...old], { host });
}

/** Whether a Docker timestamp (`2026-11-25 12:00:00 +0000 UTC` or RFC 3339) is older than {@link LEFTOVER_AGE_MS}. */
function isLeftover(created: string | undefined): boolean {
  const time = Date.parse(
    (created ?? '')
      .replace(/ \+0000 UTC$/, 'Z')
      .replace(' ', 'T')
      .replace(/ /g, ''),
  );
  return Number.isNaN(time) || Date.now() - time > LEFTOVER_AGE_MS;
}
