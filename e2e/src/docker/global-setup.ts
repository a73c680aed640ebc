/**
 * @module The docker project's global setup: removes containers earlier runs left behind, then
 * builds (or reuses) the sandbox image with scripts/docker/build-image.mjs and provides its tag.
 * It never throws: when there is no engine or the build fails it provides the reason instead,
 * so every docker test fails with that message while the other projects still run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
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

/** Runs build-image.mjs with its progress on our stderr; resolves with the JSON line it prints last. */
function buildImage(): Promise<SandboxImageResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/docker/build-image.mjs')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
      process.stderr.write(chunk);
    });
    child.once('error', (error) => {
      resolve({ ok: false, message: `build-image.mjs could not be started: ${error.message}` });
    });
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let image: unknown;
      try {
        image = (JSON.parse(last) as { image?: unknown }).image;
      } catch {
        image = undefined;
      }
      if (code === 0 && typeof image === 'string') resolve({ ok: true, image });
      else
        resolve({
          ok: false,
          message: `Building the sandbox image failed (exit ${String(code)}):\n${stderr}`,
        });
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
