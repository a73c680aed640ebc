/**
 * @module The docker project's global setup: removes containers earlier runs left behind, then
 * builds (or reuses) the sandbox image with scripts/docker/build-image.mjs and provides its tag.
 * It never throws: when there is no engine or the build fails it provides the reason instead,
 * so every docker test fails with that message while the other projects still run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../services';
import { docker, removeTestContainers } from './docker-cli';

/** The sandbox image to test, or why there is none. */
export type SandboxImageResult = { ok: true; image: string } | { ok: false; message: string };

declare module 'vitest' {
  export interface ProvidedContext {
    handoffSandboxImage: SandboxImageResult;
  }
}

const NO_ENGINE =
  'No Docker engine answers, so the docker tests cannot run. Start one with ' +
  '`bash scripts/docker/ensure-engine.sh` (installs docker.io and starts dockerd on Debian as root), then rerun.';

/** The image's tag from build-image.mjs's last stdout line, or undefined. */
function imageFromSummary(stdout: string): string | undefined {
  try {
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { image?: unknown };
    return typeof summary.image === 'string' ? summary.image : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs build-image.mjs. Its own progress lines go to our stderr as they come; the docker build's
 * output is kept and shown only when the build fails.
 */
function buildImage(): Promise<SandboxImageResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/docker/build-image.mjs')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    createInterface({ input: child.stderr }).on('line', (line) => {
      log = `${log}${line}\n`.slice(-20_000);
      if (/^build(-base)?-image: /.test(line)) process.stderr.write(`${line}\n`);
    });
    child.once('error', (error) => {
      resolve({ ok: false, message: `build-image.mjs could not be started: ${error.message}` });
    });
    child.once('close', (code) => {
      const image = imageFromSummary(stdout);
      if (code === 0 && image !== undefined) resolve({ ok: true, image });
      else
        resolve({ ok: false, message: `Building the sandbox image failed (exit ${String(code)}):\n${log}` });
    });
  });
}

async function prepare(): Promise<SandboxImageResult> {
  if ((await docker(['info'], { timeoutMs: 30_000 })).code !== 0) return { ok: false, message: NO_ENGINE };
  const removed = await removeTestContainers();
  if (removed > 0)
    process.stderr.write(`docker tests: removed ${String(removed)} leftover test containers\n`);
  return buildImage();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('handoffSandboxImage', await prepare());
  return async () => {
    if ((await docker(['info'], { timeoutMs: 30_000 })).code === 0) await removeTestContainers();
  };
}
