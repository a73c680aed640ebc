import { describe, expect, it } from 'vitest';
import {
  AGENT_LIMITS,
  agentContainerSpec,
  readUserLabels,
  resolveResources,
  sessionKeyFromEnv,
  toolsContainerSpec,
  userLabels,
} from './container-spec';
import type { SandboxSpec } from './container-spec';

const spec: SandboxSpec = {
  id: 'sbx-0123456789abcdef01234567',
  image: 'handoff/sandbox:test',
  ownerId: 'owner-1',
  createdAt: '2026-11-25T00:00:00.000Z',
  network: 'egress',
  resources: { cpus: 1.5, memoryMb: 2048, pidsLimit: 512 },
  sessionApiKey: 'session-key-session-key',
  actionApiKey: 'action-key-action-key',
  labels: { user: 'ada' },
  pool: undefined,
  extraLabels: { 'handoff.test': '1' },
};

describe('the sandbox containers', () => {
  it('harden both containers: non-root, no capability, no privilege gain, read-only root, limits', () => {
    for (const container of [toolsContainerSpec(spec), agentContainerSpec(spec)]) {
      expect(container.User).toMatch(/^100[01]:100[01]$/);
      expect(container.HostConfig).toMatchObject({
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Privileged: false,
        ReadonlyRootfs: true,
        RestartPolicy: { Name: 'unless-stopped' },
      });
      expect(container.HostConfig?.CapAdd).toBeUndefined();
      expect(container.HostConfig?.Binds).toBeUndefined();
      expect(container.HostConfig?.Tmpfs).toHaveProperty('/tmp');
      expect(container.HostConfig?.Mounts?.every((mount) => mount.Type === 'volume')).toBe(true);
    }
    expect(toolsContainerSpec(spec).HostConfig).toMatchObject({
      PidsLimit: 512,
      Memory: 2048 * 1024 * 1024,
      MemorySwap: 2048 * 1024 * 1024,
      NanoCpus: 1.5e9,
      NetworkMode: 'handoff-egress',
      PortBindings: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    });
    expect(agentContainerSpec(spec).HostConfig).toMatchObject({
      PidsLimit: AGENT_LIMITS.pidsLimit,
      NetworkMode: `container:handoff-${spec.id}-tools`,
    });
  });

  it('gives each service only its own key, and the agent the workspace read-only', () => {
    const tools = toolsContainerSpec(spec);
    const agent = agentContainerSpec(spec);
    expect(tools.Env).toContain('HANDOFF_SESSION_API_KEY=action-key-action-key');
    expect(tools.Env?.join('\n')).not.toContain(spec.sessionApiKey);
    expect(sessionKeyFromEnv(agent.Env)).toBe(spec.sessionApiKey);
    expect(agent.HostConfig?.Mounts).toContainEqual(
      expect.objectContaining({ Target: '/workspace', ReadOnly: true }),
    );
    expect(tools.HostConfig?.Mounts?.map((mount) => mount.Target)).not.toContain('/var/lib/handoff');
  });

  it('publishes nothing on the internal network of network mode none', () => {
    const isolated = toolsContainerSpec({ ...spec, network: 'none' });
    expect(isolated.HostConfig?.NetworkMode).toBe('handoff-isolated');
    expect(isolated.HostConfig?.PortBindings).toEqual({});
  });

  it('keeps the caller labels apart from its own, and marks warm members instead', () => {
    expect(readUserLabels({ ...userLabels({ user: 'ada' }), 'handoff.owner': 'x' })).toEqual({ user: 'ada' });
    const member = toolsContainerSpec({ ...spec, pool: 'default' });
    expect(member.Labels).toMatchObject({
      'handoff.pool': 'default',
      'handoff.owner': 'owner-1',
      'handoff.test': '1',
    });
    expect(member.Labels).not.toHaveProperty('handoff.label.user');
  });

  it('lets a request override the default limits one by one', () => {
    expect(resolveResources({ memoryMb: 512 }, { cpus: 2, memoryMb: 4096, pidsLimit: 1024 })).toEqual({
      cpus: 2,
      memoryMb: 512,
      pidsLimit: 1024,
    });
  });
});
