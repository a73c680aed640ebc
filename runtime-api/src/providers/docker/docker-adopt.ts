import type { SandboxInfo, SandboxNetwork, SandboxStatus } from '@handoff/protocol';
import type Docker from 'dockerode';
import { LABELS, NETWORKS, SANDBOX_IMAGE, readUserLabels, sessionKeyFromEnv } from './container-spec';
import type { Engine } from './engine';

/** One sandbox as Docker describes it: everything runtime-api needs to take it back. */
export interface FoundSandbox {
  info: SandboxInfo;
  network: SandboxNetwork;
  pool: string | undefined;
  containers: { tools?: string; agent?: string };
}

/** What an engine holds of one owner: sandboxes, and volumes no container uses any more. */
export interface EngineInventory {
  sandboxes: FoundSandbox[];
  /** Sandbox ids with volumes but no container (a start or stop cut short). */
  orphanVolumeIds: string[];
}

/** Reads every sandbox of `ownerId` on an engine: containers, claim markers, keys, addresses. */
export async function readInventory(
  engine: Engine,
  ownerId: string,
  provider: string,
): Promise<EngineInventory> {
  const ownerFilter = { label: [`${LABELS.owner}=${ownerId}`] };
  const [containers, volumes] = await Promise.all([
    engine.docker.listContainers({ all: true, filters: ownerFilter }),
    engine.docker.listVolumes({ filters: ownerFilter }),
  ]);
  const claims = new Map<string, Record<string, string>>();
  const volumeIds = new Set<string>();
  for (const volume of volumes.Volumes) {
    const labels = volume.Labels as Record<string, string> | null;
    const id = labels?.[LABELS.sandbox];
    if (labels === null || id === undefined) continue;
    volumeIds.add(id);
    if (labels[LABELS.role] === 'claim') claims.set(id, labels);
  }
  const groups = new Map<string, { tools?: Docker.ContainerInfo; agent?: Docker.ContainerInfo }>();
  for (const container of containers) {
    const id = container.Labels[LABELS.sandbox];
    const role = container.Labels[LABELS.role];
    if (id === undefined || (role !== 'tools' && role !== 'agent')) continue;
    const group = groups.get(id) ?? {};
    group[role] = container;
    groups.set(id, group);
  }
  const sandboxes = await Promise.all(
    [...groups].map(([id, group]) => describe(engine, id, group, claims.get(id), provider)),
  );
  return { sandboxes, orphanVolumeIds: [...volumeIds].filter((id) => !groups.has(id)) };
}

async function describe(
  engine: Engine,
  id: string,
  group: { tools?: Docker.ContainerInfo; agent?: Docker.ContainerInfo },
  claim: Record<string, string> | undefined,
  provider: string,
): Promise<FoundSandbox> {
  const toolsLabels = group.tools?.Labels ?? {};
  const network: SandboxNetwork = toolsLabels[LABELS.network] === 'none' ? 'none' : 'egress';
  const profile = toolsLabels[LABELS.pool];
  const claimed = claim !== undefined || profile === undefined;
  const sessionApiKey = group.agent
    ? sessionKeyFromEnv((await engine.docker.getContainer(group.agent.Id).inspect()).Config.Env)
    : undefined;
  const labels =
    profile !== undefined && !claimed ? { [LABELS.pool]: profile } : readUserLabels(claim ?? toolsLabels);
  return {
    info: {
      id,
      status: statusOf(group),
      agentServerUrl: group.tools ? urlOf(group.tools, network) : 'http://127.0.0.1/',
      sessionApiKey: sessionApiKey ?? 'unknown',
      provider,
      labels,
      createdAt: claim?.[LABELS.claimedAt] ?? toolsLabels[LABELS.createdAt] ?? new Date(0).toISOString(),
    },
    network,
    pool: claimed ? undefined : profile,
    containers: { tools: group.tools?.Id, agent: group.agent?.Id },
  };
}

/** Both containers running: running; either paused: paused; anything else is broken. */
function statusOf(group: { tools?: Docker.ContainerInfo; agent?: Docker.ContainerInfo }): SandboxStatus {
  const states = [group.tools?.State, group.agent?.State];
  if (states.every((state) => state === 'running')) return 'running';
  if (states.every((state) => state === 'running' || state === 'paused')) return 'paused';
  return 'error';
}

function urlOf(tools: Docker.ContainerInfo, network: SandboxNetwork): string {
  const { name, internal } = NETWORKS[network];
  if (internal) {
    const address = tools.NetworkSettings.Networks[name]?.IPAddress ?? '';
    return address === '' ? 'http://127.0.0.1/' : `http://${address}:${SANDBOX_IMAGE.agentPort}`;
  }
  const port = tools.Ports.find(
    (entry) => entry.PrivatePort === SANDBOX_IMAGE.agentPort && entry.PublicPort > 0,
  );
  return port ? `http://127.0.0.1:${port.PublicPort}` : 'http://127.0.0.1/';
}
