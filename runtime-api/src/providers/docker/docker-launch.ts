import { createHash } from 'node:crypto';
import type { SandboxNetwork } from '@handoff/protocol';
import type Docker from 'dockerode';
import { RuntimeApiError } from '../../errors';
import {
  NETWORKS,
  SANDBOX_IMAGE,
  agentContainerSpec,
  baseLabels,
  containerName,
  toolsContainerSpec,
  volumeName,
} from './container-spec';
import type { SandboxSpec, VolumeRole } from './container-spec';
import type { Engine } from './engine';
import { dockerStatus, isConnectionError } from './engine';
import { NotReadyError, watchReadyLine } from './ready-line';
import type { ReadyWatch } from './ready-line';

const SANDBOX_VOLUMES: readonly VolumeRole[] = ['workspace', 'home', 'state'];

/** What a started sandbox's containers turned out to be. */
export interface Launched {
  tools: string;
  agent: string;
  agentServerUrl: string;
}

/** Throws `image_not_found` when the engine does not have the image. */
export async function checkImage(engine: Engine, image: string): Promise<void> {
  try {
    await engine.docker.getImage(image).inspect();
  } catch (error) {
    if (dockerStatus(error) !== 404) throw asEngineError(engine, error);
    throw new RuntimeApiError(
      'image_not_found',
      `Image "${image}" is not on the Docker engine at ${engine.host}. Build it (node scripts/docker/build-image.mjs) or pull it there, then try again.`,
      { details: { image, engine: engine.host } },
    );
  }
}

/** Creates the provider's two networks on an engine when they are missing. */
export async function ensureNetworks(engine: Engine, labels: Record<string, string>): Promise<void> {
  const existing = new Set((await engine.docker.listNetworks()).map((network) => network.Name));
  for (const { name, internal } of Object.values(NETWORKS)) {
    if (existing.has(name)) continue;
    try {
      await engine.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Internal: internal,
        Labels: labels,
        CheckDuplicate: true,
        Options: {
          // Sandboxes on one engine cannot reach each other; the host still reaches published ports.
          'com.docker.network.bridge.enable_icc': 'false',
          // A known interface name, so the host's firewall can close its own services to the
          // sandboxes (an internal network has no route beyond the host, but the host answers).
          'com.docker.network.bridge.name': bridgeName(engine, name),
        },
      });
    } catch (error) {
      // Another runtime-api created it meanwhile.
      if (dockerStatus(error) !== 409) throw error;
    }
  }
}

/** `hego-<hash>` / `hiso-<hash>`: unique per engine (two engines may share a host), ≤ 15 characters. */
export function bridgeName(engine: Engine, network: string): string {
  const prefix = network === NETWORKS.none.name ? 'hiso' : 'hego';
  return `${prefix}-${createHash('sha256').update(engine.host).digest('hex').slice(0, 8)}`;
}

/**
 * Creates the sandbox's volumes and containers and starts them, attached beforehand so their
 * ready lines arrive as events. `containers` is filled as they are created, so a failure or a
 * stop at any point can remove exactly what exists.
 */
export async function launchContainers(
  engine: Engine,
  spec: SandboxSpec,
  containers: { tools?: string; agent?: string },
  signal: AbortSignal,
): Promise<Launched> {
  const docker = engine.docker;
  await Promise.all(
    SANDBOX_VOLUMES.map((role) =>
      docker.createVolume({ Name: volumeName(spec.id, role), Labels: baseLabels(spec, role) }),
    ),
  );
  signal.throwIfAborted();
  const tools = await docker.createContainer(toolsContainerSpec(spec));
  containers.tools = tools.id;
  const agent = await docker.createContainer(agentContainerSpec(spec));
  containers.agent = agent.id;
  signal.throwIfAborted();
  const watches: ReadyWatch[] = [];
  try {
    watches.push(await watchReadyLine(docker, tools, 'the action server', signal));
    await tools.start();
    watches.push(await watchReadyLine(docker, agent, 'the agent server', signal));
    await agent.start();
    await Promise.all(watches.map((watch) => watch.ready));
  } catch (error) {
    for (const watch of watches) watch.detach();
    throw error;
  }
  return {
    tools: tools.id,
    agent: agent.id,
    agentServerUrl: agentUrl((await tools.inspect()).NetworkSettings, spec.network),
  };
}

/**
 * The agent server's URL from the tools container's network settings (they change when it
 * restarts): its published loopback port, or its address on the internal network.
 */
export function agentUrl(
  settings: Docker.ContainerInspectInfo['NetworkSettings'],
  mode: SandboxNetwork,
): string {
  const network = NETWORKS[mode];
  if (network.internal) {
    const address = settings.Networks[network.name]?.IPAddress;
    if (address === undefined || address === '') throw new Error('the sandbox got no address on its network');
    return `http://${address}:${SANDBOX_IMAGE.agentPort}`;
  }
  const binding = settings.Ports[`${SANDBOX_IMAGE.agentPort}/tcp`]?.[0];
  if (binding === undefined) throw new Error('Docker published no port for the agent server');
  return `http://127.0.0.1:${binding.HostPort}`;
}

/** The error a failed launch reports to the caller. */
export function startFailed(id: string, engine: Engine, error: unknown): RuntimeApiError {
  if (error instanceof RuntimeApiError) return error;
  if (isConnectionError(error)) return engine.unavailable();
  const tail = error instanceof NotReadyError ? error.stderrTail.trim() : '';
  const reason = error instanceof Error ? error.message : String(error);
  return new RuntimeApiError(
    'sandbox_start_failed',
    `Sandbox ${id} could not be started on ${engine.host}: ${reason}${tail === '' ? '' : `\n${tail.slice(-1000)}`}`,
    { details: { sandboxId: id, engine: engine.host }, cause: error },
  );
}

/**
 * Removes a sandbox's containers (agent first: it lives in the tools container's network) and
 * volumes, the claim marker included; what is already gone is fine.
 */
export async function removeSandboxObjects(engine: Engine, id: string): Promise<void> {
  const docker = engine.docker;
  for (const role of ['agent', 'tools'] as const) {
    await ignoreMissing(docker.getContainer(containerName(id, role)).remove({ force: true, v: false }));
  }
  await Promise.all(
    [...SANDBOX_VOLUMES, 'claim' as const].map((role) =>
      ignoreMissing(docker.getVolume(volumeName(id, role)).remove()),
    ),
  );
}

async function ignoreMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (dockerStatus(error) !== 404) throw error;
  }
}

/** A dockerode failure as the caller should see it: the engine is away, or the original error. */
export function asEngineError(engine: Engine, error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  engine.reportFailure(error);
  return engine.unavailable();
}
