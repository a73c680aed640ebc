/**
 * @module Builds (or reuses) the sandbox image with scripts/docker/build-image.mjs: for the docker
 * tests' global setup and for the benchmarks.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../services';

/** The sandbox image, or why there is none. */
export type SandboxImageResult = { ok: true; image: string } | { ok: false; message: string };

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
export function buildImage(): Promise<SandboxImageResult> {
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
