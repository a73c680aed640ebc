/**
 * @module The docker project's global setup: removes containers earlier runs left behind, then
 * builds (or reuses) the sandbox image with scripts/docker/build-image.mjs and provides its tag.
 * It never throws: when there is no engine or the build fails it provides the reason instead,
 * so every docker test fails with that message while the other projects still run.
 * It also starts the second engine (scripts/docker/second-engine.sh) and copies the image into it,
 * providing its host or why there is none; teardown stops it again when setup started it.
 */
import type { TestProject } from 'vitest/node';
import { buildImage, type SandboxImageResult } from './build-image';
import { docker, removeTestContainers } from './docker-cli';
import { ensureImageOn, secondEngine } from './engines';

export type { SandboxImageResult } from './build-image';

/** The second Docker engine, holding the sandbox image, or why there is none. */
export type SecondEngineResult = { ok: true; host: string } | { ok: false; message: string };

declare module 'vitest' {
  export interface ProvidedContext {
    handoffSandboxImage: SandboxImageResult;
    handoffSecondEngine: SecondEngineResult;
  }
}

const NO_ENGINE =
  'No Docker engine answers, so the docker tests cannot run. Start one with ' +
  '`bash scripts/docker/ensure-engine.sh` (installs docker.io and starts dockerd on Debian as root), then rerun.';

async function prepare(): Promise<SandboxImageResult> {
  if ((await docker(['info'], { timeoutMs: 30_000 })).code !== 0) return { ok: false, message: NO_ENGINE };
  const removed = await removeTestContainers();
  if (removed > 0)
    process.stderr.write(`docker tests: removed ${String(removed)} leftover test containers\n`);
  return buildImage();
}

/** Starts the second engine, removes its leftovers and copies the image into it; never throws. */
async function prepareSecondEngine(
  image: SandboxImageResult,
): Promise<{ result: SecondEngineResult; started: boolean }> {
  if (!image.ok) return { result: { ok: false, message: image.message }, started: false };
  const engine = secondEngine();
  let started = false;
  try {
    started = !(await engine.isRunning());
    await engine.start();
    const removed = await removeTestContainers(engine.host);
    if (removed > 0)
      process.stderr.write(
        `docker tests: removed ${String(removed)} leftover test containers on ${engine.host}\n`,
      );
    const startedAt = Date.now();
    if ((await ensureImageOn(engine.host, image.image)).copied)
      process.stderr.write(
        `docker tests: copied ${image.image} to ${engine.host} in ${String(Date.now() - startedAt)} ms\n`,
      );
    return { result: { ok: true, host: engine.host }, started };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      result: { ok: false, message: `The second Docker engine is not available: ${message}` },
      started,
    };
  }
}

/** Removes the second engine's leftovers, and stops it when setup started it; never throws. */
async function teardownSecondEngine(started: boolean): Promise<void> {
  const engine = secondEngine();
  try {
    if (await engine.isRunning()) await removeTestContainers(engine.host);
    if (started) await engine.stop();
  } catch (error) {
    process.stderr.write(`docker tests: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const image = await prepare();
  project.provide('handoffSandboxImage', image);
  const second = await prepareSecondEngine(image);
  project.provide('handoffSecondEngine', second.result);
  return async () => {
    if ((await docker(['info'], { timeoutMs: 30_000 })).code === 0) await removeTestContainers();
    await teardownSecondEngine(second.started);
  };
}
