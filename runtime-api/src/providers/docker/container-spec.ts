import { SandboxEnv } from '@handoff/protocol';
import type { SandboxNetwork, SandboxResources } from '@handoff/protocol';
import type Docker from 'dockerode';
import type { DockerResourceDefaults } from '../../config';
import { POOL_LABEL } from '../../pool/pooled-sandbox-provider';

/** Labels runtime-api keeps its state in: Docker is the only record of a docker sandbox. */
export const LABELS = {
  sandbox: 'handoff.sandbox',
  owner: 'handoff.owner',
  /** `tools`, `agent`, `workspace`, `home`, `state`, `claim`. */
  role: 'handoff.role',
  createdAt: 'handoff.created-at',
  pool: POOL_LABEL,
  network: 'handoff.network',
  image: 'handoff.image',
  claimedAt: 'handoff.claimed-at',
  /** A caller's label `k` is stored as `handoff.label.k`. */
  userPrefix: 'handoff.label.',
} as const;

/** The containers and volumes of one sandbox. */
export type ContainerRole = 'tools' | 'agent';
export type VolumeRole = 'workspace' | 'home' | 'state' | 'claim';

/** Ports and users inside the image (sandbox/Dockerfile). */
export const SANDBOX_IMAGE = {
  agentPort: 8000,
  actionPort: 8001,
  commandUser: '1000:1000',
  agentUser: '1001:1001',
  workspace: '/workspace',
  home: '/home/handoff',
  stateDir: '/var/lib/handoff',
} as const;

/** Networks the provider creates on each engine: one with egress, one that reaches nothing. */
export const NETWORKS: Record<SandboxNetwork, { name: string; internal: boolean }> = {
  egress: { name: 'handoff-egress', internal: false },
  none: { name: 'handoff-isolated', internal: true },
};

/** The agent container's own limits: small, so the agent server survives whatever the tools container does. */
export const AGENT_LIMITS = { cpus: 1, memoryMb: 768, pidsLimit: 256 } as const;

export function containerName(id: string, role: ContainerRole): string {
  return `handoff-${id}-${role}`;
}

export function volumeName(id: string, role: VolumeRole): string {
  return `handoff-${id}-${role}`;
}

/** Everything one sandbox's containers are created from. */
export interface SandboxSpec {
  id: string;
  image: string;
  ownerId: string;
  createdAt: string;
  network: SandboxNetwork;
  resources: Required<SandboxResources>;
  sessionApiKey: string;
  actionApiKey: string;
  /** The caller's labels (stored under `handoff.label.`), or the pool profile for a warm member. */
  labels: Record<string, string>;
  pool: string | undefined;
  extraLabels: Record<string, string>;
}

/** A request's limits over the configured defaults. */
export function resolveResources(
  requested: SandboxResources | undefined,
  defaults: DockerResourceDefaults,
): Required<SandboxResources> {
  return { ...defaults, ...requested };
}

/** Labels every object of the sandbox carries. */
export function baseLabels(
  spec: Pick<SandboxSpec, 'id' | 'ownerId' | 'extraLabels'>,
  role: ContainerRole | VolumeRole,
): Record<string, string> {
  return {
    ...spec.extraLabels,
    [LABELS.sandbox]: spec.id,
    [LABELS.owner]: spec.ownerId,
    [LABELS.role]: role,
  };
}

/** The caller's labels as Docker labels. */
export function userLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).map(([key, value]) => [`${LABELS.userPrefix}${key}`, value]),
  );
}

/** The caller's labels back from Docker labels. */
export function readUserLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([key]) => key.startsWith(LABELS.userPrefix))
      .map(([key, value]) => [key.slice(LABELS.userPrefix.length), value]),
  );
}

/**
 * The hardening every sandbox container gets: not root (the image's users), no capability at all,
 * no privilege gain, read-only root with a tmpfs /tmp, bounded processes, memory (no swap beyond
 * it), CPU and logs, and no Docker socket (nothing from the host is mounted but the sandbox's own
 * volumes). Docker restarts both containers when their engine restarts (`unless-stopped`): the
 * agent container rejoins the tools container's network and runtime-api's resync reads the new
 * published port back, so a sandbox survives an engine restart with its workspace and conversation.
 */
function hardenedHostConfig(limits: Required<SandboxResources>): Docker.HostConfig {
  const memory = limits.memoryMb * 1024 * 1024;
  return {
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    Privileged: false,
    ReadonlyRootfs: true,
    // Docker mounts a tmpfs noexec unless told otherwise; that would break compilers, test runners and
    // virtualenvs that run what they build in /tmp, and buys nothing: /workspace is writable and executable.
    Tmpfs: { '/tmp': 'rw,exec,nosuid,nodev,size=536870912' },
    PidsLimit: limits.pidsLimit,
    Memory: memory,
    MemorySwap: memory,
    NanoCpus: Math.round(limits.cpus * 1e9),
    RestartPolicy: { Name: 'unless-stopped' },
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    IpcMode: 'private',
  };
}

function volumeMount(spec: SandboxSpec, role: VolumeRole, target: string, readOnly = false) {
  return { Type: 'volume' as const, Source: volumeName(spec.id, role), Target: target, ReadOnly: readOnly };
}

/** The tools container: the action server as `handoff`; it owns the network namespace and publishes the agent port on loopback. */
export function toolsContainerSpec(spec: SandboxSpec): Docker.ContainerCreateOptions {
  const network = NETWORKS[spec.network];
  const agentPort = `${SANDBOX_IMAGE.agentPort}/tcp`;
  return {
    name: containerName(spec.id, 'tools'),
    Image: spec.image,
    User: SANDBOX_IMAGE.commandUser,
    Entrypoint: ['/usr/bin/tini', '--'],
    // No --enable-source-maps here or below: Node keeps every parsed map in memory, ~10 MB for the
    // action server and ~38 MB for the agent server, more than half an idle sandbox.
    Cmd: ['node', '/opt/handoff/action-server/main.js'],
    Env: [
      `${SandboxEnv.HOST}=127.0.0.1`,
      `${SandboxEnv.PORT}=${SANDBOX_IMAGE.actionPort}`,
      `${SandboxEnv.WORKSPACE}=${SANDBOX_IMAGE.workspace}`,
      `${SandboxEnv.SESSION_API_KEY}=${spec.actionApiKey}`,
      `HOME=${SANDBOX_IMAGE.home}`,
      'USER=handoff',
    ],
    WorkingDir: SANDBOX_IMAGE.workspace,
    Labels: {
      ...baseLabels(spec, 'tools'),
      [LABELS.createdAt]: spec.createdAt,
      [LABELS.network]: spec.network,
      [LABELS.image]: spec.image,
      ...(spec.pool === undefined ? userLabels(spec.labels) : { [LABELS.pool]: spec.pool }),
    },
    ExposedPorts: { [agentPort]: {} },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    StopTimeout: 5,
    HostConfig: {
      ...hardenedHostConfig(spec.resources),
      NetworkMode: network.name,
      // An internal network cannot publish ports; runtime-api reaches such a sandbox by its address.
      PortBindings: network.internal ? {} : { [agentPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Mounts: [
        volumeMount(spec, 'workspace', SANDBOX_IMAGE.workspace),
        volumeMount(spec, 'home', SANDBOX_IMAGE.home),
      ],
    },
  };
}

/** The agent container: the agent server as `handoff-agent`, in the tools container's network namespace. */
export function agentContainerSpec(spec: SandboxSpec): Docker.ContainerCreateOptions {
  return {
    name: containerName(spec.id, 'agent'),
    Image: spec.image,
    User: SANDBOX_IMAGE.agentUser,
    Entrypoint: ['/usr/bin/tini', '--'],
    Cmd: ['node', '/opt/handoff/agent-server/main.js'],
    Env: [
      `${SandboxEnv.HOST}=0.0.0.0`,
      `${SandboxEnv.PORT}=${SANDBOX_IMAGE.agentPort}`,
      `${SandboxEnv.WORKSPACE}=${SANDBOX_IMAGE.workspace}`,
      `${SandboxEnv.SESSION_API_KEY}=${spec.sessionApiKey}`,
      `${SandboxEnv.ACTION_SERVER_API_KEY}=${spec.actionApiKey}`,
      `${SandboxEnv.ACTION_SERVER_URL}=http://127.0.0.1:${SANDBOX_IMAGE.actionPort}`,
      `${SandboxEnv.STATE_DIR}=${SANDBOX_IMAGE.stateDir}`,
      `HOME=${SANDBOX_IMAGE.stateDir}`,
    ],
    WorkingDir: SANDBOX_IMAGE.stateDir,
    Labels: baseLabels(spec, 'agent'),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    StopTimeout: 5,
    HostConfig: {
      ...hardenedHostConfig(AGENT_LIMITS),
      NetworkMode: `container:${containerName(spec.id, 'tools')}`,
      Mounts: [
        volumeMount(spec, 'state', SANDBOX_IMAGE.stateDir),
        volumeMount(spec, 'workspace', SANDBOX_IMAGE.workspace, true),
      ],
    },
  };
}

/** The session key back from the agent container's environment (after a restart). */
export function sessionKeyFromEnv(env: readonly string[] | undefined): string | undefined {
  const prefix = `${SandboxEnv.SESSION_API_KEY}=`;
  return env?.find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
}

/** Docker resource fields for a live `container.update` (a claim with its own limits). */
export function resourceUpdate(limits: Required<SandboxResources>): Record<string, number> {
  const memory = limits.memoryMb * 1024 * 1024;
  return {
    Memory: memory,
    MemorySwap: memory,
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: limits.pidsLimit,
  };
}
