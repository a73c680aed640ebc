import type { SandboxResources } from '@handoff/protocol';
import { RuntimeApiError } from '../../errors';
import type { DockerSandbox } from './docker-sandbox';
import type { Engine } from './engine';

/** CPUs and memory of an engine's host. */
export interface EngineCapacity {
  cpus: number;
  memoryMb: number;
}

/** The healthy engine holding the fewest sandboxes; `engine_unavailable` when none answers. */
export function pickEngine(engines: readonly Engine[], sandboxes: readonly DockerSandbox[]): Engine {
  const healthy = engines.filter((engine) => engine.isHealthy);
  const [first] = healthy;
  if (!first) {
    const [only] = engines;
    if (engines.length === 1 && only) throw only.unavailable();
    const hosts = engines.map((engine) => engine.host);
    throw new RuntimeApiError(
      'engine_unavailable',
      `None of the ${engines.length} Docker engines answers (${hosts.join(', ')}). Start one; runtime-api reconnects by itself.`,
      { details: { engines: hosts } },
    );
  }
  const load = (engine: Engine): number => sandboxes.filter((sandbox) => sandbox.engine === engine).length;
  return healthy.reduce((best, engine) => (load(engine) < load(best) ? engine : best), first);
}

/** Refuses limits the engine's host cannot give (Docker itself would fail the start late and vaguely). */
export function assertFits(
  engine: Engine,
  capacity: EngineCapacity | undefined,
  resources: Required<SandboxResources>,
): void {
  if (!capacity) return;
  const problems = [
    ...(resources.cpus > capacity.cpus
      ? [`resources.cpus: ${resources.cpus} is more than the ${capacity.cpus} CPUs`]
      : []),
    ...(resources.memoryMb > capacity.memoryMb
      ? [`resources.memoryMb: ${resources.memoryMb} is more than the ${capacity.memoryMb} MiB of memory`]
      : []),
  ];
  if (problems.length > 0)
    throw new RuntimeApiError(
      'invalid_request',
      `Invalid start request. ${problems.join('; ')} of the Docker engine at ${engine.host}. Ask for less.`,
      { details: { engine: engine.host, capacity } },
    );
}
