/**
 * @module The docker provider's hardening and isolation, proved against the real engine on
 * sandboxes started through runtime-api: both containers inspected field by field, what a command
 * can and cannot touch, the `none` network, and a fork bomb and a memory hog that take down
 * neither runtime-api nor another sandbox nor their own agent server.
 */
import {
  ErrorBodySchema,
  SandboxInfoSchema,
  SandboxListSchema,
  type SandboxInfo,
  type SandboxResources,
} from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runConversation, startSandbox } from '../clients';
import { runThenFinish } from '../scripts';
import { docker, dockerOk } from './docker-cli';
import { startDockerRuntime, startSandboxLlm, type DockerRuntime } from './docker-runtime';
import { injectedImage } from './provided';

const LLM_KEY = 'sk-hardening-e2e-llm-key-0123456789';
const MIB = 1024 * 1024;
/** The configured defaults (not the built-in ones, so the test sees they are read). */
const DEFAULTS = { cpus: 1.5, memoryMb: 1024, pidsLimit: 512 } as const;
/** A request's own limits. */
const OVERRIDE = { cpus: 0.5, memoryMb: 512, pidsLimit: 256 } as const;

/** The fields of `docker inspect` this file checks. */
interface Inspected {
  Id: string;
  Config: { User: string };
  State: { Running: boolean };
  HostConfig: {
    CapDrop: string[] | null;
    CapAdd: string[] | null;
    SecurityOpt: string[] | null;
    Privileged: boolean;
    ReadonlyRootfs: boolean;
    Tmpfs: Record<string, string> | null;
    PidsLimit: number;
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    NetworkMode: string;
    Binds: string[] | null;
    PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
  Mounts: { Type: string; Name?: string; Destination: string; RW: boolean }[];
  NetworkSettings: {
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks: Record<string, { IPAddress: string }>;
  };
}

type Role = 'tools' | 'agent';

function containerName(sandbox: SandboxInfo, role: Role): string {
  return `handoff-${sandbox.id}-${role}`;
}

async function inspect(sandbox: SandboxInfo, role: Role): Promise<Inspected> {
  const [found] = JSON.parse(await dockerOk(['inspect', containerName(sandbox, role)])) as Inspected[];
  if (!found) throw new Error(`docker inspect found no ${role} container of ${sandbox.id}`);
  return found;
}

/** Runs `script` with bash in one of the sandbox's containers as `user`; returns stdout and stderr together. */
async function exec(sandbox: SandboxInfo, role: Role, user: string, script: string): Promise<string> {
  const result = await docker(['exec', '--user', user, containerName(sandbox, role), 'bash', '-c', script]);
  return result.stdout + result.stderr;
}

/** Tries a TCP connection from the tools container: `connected`, an error code, or `timeout`. */
function probe(sandbox: SandboxInfo, host: string, port: number): Promise<string> {
  const script = `const s = require('net').connect(${String(port)}, '${host}');
    const done = (what) => { console.log(what); process.exit(0); };
    s.on('connect', () => done('connected')); s.on('error', (e) => done(e.code)); setTimeout(() => done('timeout'), 3000);`;
  return exec(sandbox, 'tools', '1000', `node -e "${script}"`).then((out) => out.trim());
}

/** Runs one command in a real conversation (scripted LLM) and returns its output. */
async function converse(sandbox: SandboxInfo, command: string): Promise<{ output: string; events: string }> {
  const llm = await startSandboxLlm(runThenFinish(command));
  try {
    const { stream } = await runConversation(sandbox, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.baseUrl },
      initialMessage: 'run the command',
    });
    const observation = stream.events.find((e) => e.type === 'observation');
    if (observation?.type !== 'observation' || observation.observation.type !== 'run_command')
      throw new Error(`No run_command observation in ${JSON.stringify(stream.events)}`);
    return { output: observation.observation.output, events: JSON.stringify(stream.events) };
  } finally {
    await llm.close();
  }
}

async function alive(url: string): Promise<unknown> {
  return (await fetch(`${url}/alive`)).json();
}

let runtime: DockerRuntime;
/** Started first, egress network, configured defaults: the bystander of the fork bomb and the memory hog. */
let plain: SandboxInfo;
/** `network: 'none'` with its own limits. */
let isolated: SandboxInfo;
const sandboxCount = async () =>
  SandboxListSchema.parse(await (await runtime.call('GET', '/list')).json()).items.length;
const statusOf = async (sandbox: SandboxInfo) =>
  SandboxInfoSchema.parse(await (await runtime.call('GET', `/sessions/${sandbox.id}`)).json()).status;
const start = (request: { network?: 'none'; resources?: SandboxResources } = {}) =>
  startSandbox(runtime.url, runtime.apiKey, request);

beforeAll(async () => {
  runtime = await startDockerRuntime({
    image: injectedImage(),
    env: {
      HANDOFF_SANDBOX_CPUS: String(DEFAULTS.cpus),
      HANDOFF_SANDBOX_MEMORY_MB: String(DEFAULTS.memoryMb),
      HANDOFF_SANDBOX_PIDS_LIMIT: String(DEFAULTS.pidsLimit),
    },
  });
  plain = await start();
  isolated = await start({ network: 'none', resources: OVERRIDE });
}, 120_000);

afterAll(async () => {
  await runtime.close();
}, 60_000);

describe('the hardening profile of both containers', () => {
  test('runs each service as its own non-root user, with no capability and no privilege gain', async () => {
    for (const sandbox of [plain, isolated]) {
      for (const [role, uid] of [
        ['tools', '1000'],
        ['agent', '1001'],
      ] as const) {
        const { Config, HostConfig } = await inspect(sandbox, role);
        expect(Config.User).toBe(`${uid}:${uid}`);
        expect(HostConfig.CapDrop).toEqual(['ALL']);
        expect(HostConfig.CapAdd ?? []).toEqual([]);
        expect(HostConfig.SecurityOpt).toContain('no-new-privileges');
        expect(HostConfig.Privileged).toBe(false);
        expect(HostConfig.ReadonlyRootfs).toBe(true);
        expect(Object.keys(HostConfig.Tmpfs ?? {})).toEqual(['/tmp']);
        const top = await dockerOk(['top', containerName(sandbox, role), '-eo', 'pid,uid,gid']);
        const rows = top
          .split('\n')
          .slice(1)
          .map((row) => row.trim().split(/\s+/).slice(1).join(':'));
        expect(rows.length).toBeGreaterThanOrEqual(2);
        expect(new Set(rows)).toEqual(new Set([`${uid}:${uid}`]));
        const status = await exec(
          sandbox,
          role,
          uid,
          "grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs):' /proc/1/status",
        );
        expect(status).toContain(`Uid:\t${uid}\t${uid}\t${uid}\t${uid}`);
        expect(status).toContain('CapEff:\t0000000000000000');
        expect(status).toContain('CapBnd:\t0000000000000000');
        expect(status).toContain('NoNewPrivs:\t1');
      }
    }
  });

  test("limits the tools container to the configured defaults or the request's own, the agent to its own", async () => {
    const limits = (i: Inspected) => [i.HostConfig.PidsLimit, i.HostConfig.Memory, i.HostConfig.NanoCpus];
    const tools = await inspect(plain, 'tools');
    expect(limits(tools)).toEqual([DEFAULTS.pidsLimit, DEFAULTS.memoryMb * MIB, DEFAULTS.cpus * 1e9]);
    const overridden = await inspect(isolated, 'tools');
    expect(limits(overridden)).toEqual([OVERRIDE.pidsLimit, OVERRIDE.memoryMb * MIB, OVERRIDE.cpus * 1e9]);
    const agents = [await inspect(plain, 'agent'), await inspect(isolated, 'agent')];
    expect(limits(agents[0] as Inspected)).toEqual(limits(agents[1] as Inspected));
    for (const container of [tools, overridden, ...agents]) {
      expect(container.HostConfig.MemorySwap).toBe(container.HostConfig.Memory);
      expect(limits(container).every((limit) => limit > 0)).toBe(true);
    }
  });

  test('mounts nothing from the host: named volumes of its own and a tmpfs, no Docker socket', async () => {
    const expected = {
      tools: [
        ['/home/handoff', 'home', true],
        ['/workspace', 'workspace', true],
      ],
      agent: [
        ['/var/lib/handoff', 'state', true],
        ['/workspace', 'workspace', false],
      ],
    } as const;
    for (const role of ['tools', 'agent'] as const) {
      const { HostConfig, Mounts } = await inspect(plain, role);
      expect(HostConfig.Binds ?? []).toEqual([]);
      const mounts = Mounts.map((m) => [m.Destination, m.Type, m.Name, m.RW]).sort();
      expect(mounts).toEqual(
        expected[role].map(([to, name, rw]) => [to, 'volume', `handoff-${plain.id}-${name}`, rw]),
      );
      const socket = await exec(
        plain,
        role,
        role === 'tools' ? '1000' : '1001',
        'ls /var/run/docker.sock /run/docker.sock',
      );
      expect(socket).toContain("ls: cannot access '/var/run/docker.sock': No such file or directory");
      expect(socket).toContain("ls: cannot access '/run/docker.sock': No such file or directory");
    }
  });

  test('publishes the agent port on 127.0.0.1 only; the agent container shares the network and publishes nothing', async () => {
    const tools = await inspect(plain, 'tools');
    expect(tools.HostConfig.NetworkMode).toBe('handoff-egress');
    const bindings = [
      ...Object.values(tools.HostConfig.PortBindings ?? {}),
      ...Object.values(tools.NetworkSettings.Ports ?? {}),
    ].flatMap((list) => list ?? []);
    expect(bindings.length).toBeGreaterThan(0);
    expect(new Set(bindings.map((binding) => binding.HostIp))).toEqual(new Set(['127.0.0.1']));
    const published = tools.NetworkSettings.Ports?.['8000/tcp']?.[0]?.HostPort;
    expect(plain.agentServerUrl).toBe(`http://127.0.0.1:${String(published)}`);
    const agent = await inspect(plain, 'agent');
    expect(agent.HostConfig.NetworkMode).toBe(`container:${tools.Id}`);
    expect(Object.keys(agent.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(await alive(plain.agentServerUrl)).toEqual({ status: 'ok' });
  });

  test("a command writes the workspace and /tmp but not the image, and reaches neither the socket nor the agent's state or key", async () => {
    const { output, events } = await converse(
      plain,
      [
        'id -u',
        'echo w > /workspace/x && echo workspace-ok',
        'echo t > /tmp/y && echo tmp-ok',
        "printf '#!/bin/sh\\necho tmp-exec-ok\\n' > /tmp/run.sh && chmod +x /tmp/run.sh && /tmp/run.sh",
        'echo e > /etc/x',
        'echo u > /usr/x',
        'ls /var/run/docker.sock',
        'ls -A /var/lib/handoff',
        'echo "uids: $(ps -eo uid= | sort -u | tr -d " " | tr "\\n" " ")"',
        'echo "agent variables: $(cat /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n" | grep -c ^HANDOFF_ACTION_SERVER_API_KEY=)"',
      ].join('; '),
    );
    expect(output).toMatch(/^1000\r?\n/);
    for (const line of ['workspace-ok', 'tmp-ok', 'tmp-exec-ok', 'uids: 1000 ', 'agent variables: 0'])
      expect(output).toContain(line);
    expect(output).toContain('/etc/x: Read-only file system');
    expect(output).toContain('/usr/x: Read-only file system');
    expect(output).toContain("ls: cannot access '/var/run/docker.sock': No such file or directory");
    expect(output).toContain("ls: cannot open directory '/var/lib/handoff': Permission denied");
    expect(events).not.toContain(plain.sessionApiKey);
    // Even to its owner, the tools container's /var/lib/handoff is the image's empty directory,
    // while the agent container's holds the conversation just run.
    expect((await exec(plain, 'tools', '1001', 'ls -A /var/lib/handoff')).trim()).toBe('');
    expect((await exec(plain, 'agent', '1001', 'ls -A /var/lib/handoff')).trim()).not.toBe('');
    expect((await exec(plain, 'tools', '1000', 'cat /workspace/x /tmp/y')).trim()).toBe('w\nt');
  });

  test("network 'none': an internal network, nothing published, reached by its address, reaching no other network", async () => {
    const tools = await inspect(isolated, 'tools');
    expect(tools.HostConfig.NetworkMode).toBe('handoff-isolated');
    expect(await dockerOk(['network', 'inspect', '--format', '{{.Internal}}', 'handoff-isolated'])).toBe(
      'true',
    );
    expect(Object.keys(tools.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(Object.values(tools.NetworkSettings.Ports ?? {}).flatMap((list) => list ?? [])).toEqual([]);
    const address = tools.NetworkSettings.Networks['handoff-isolated']?.IPAddress;
    expect(isolated.agentServerUrl).toBe(`http://${String(address)}:8000`);
    expect(await alive(isolated.agentServerUrl)).toEqual({ status: 'ok' });
    expect(Object.keys((await inspect(isolated, 'agent')).HostConfig.PortBindings ?? {})).toEqual([]);

    // The egress sandbox's agent server listens on all its addresses: the host reaches it, the isolated sandbox does not.
    const other = (await inspect(plain, 'tools')).NetworkSettings.Networks['handoff-egress']?.IPAddress ?? '';
    expect(await alive(`http://${other}:8000`)).toEqual({ status: 'ok' });
    expect(await probe(isolated, other, 8000)).not.toBe('connected');
    expect(await probe(plain, other, 8000)).toBe('connected');
  });
});

describe('a fork bomb', () => {
  test('fills its own pids limit only: runtime-api, another sandbox and its own agent server answer; stop removes it', async () => {
    const bombed = await start({ resources: { pidsLimit: 128 } });
    expect((await inspect(bombed, 'tools')).HostConfig.PidsLimit).toBe(128);
    await dockerOk([
      'exec',
      '--detach',
      '--user',
      '1000',
      containerName(bombed, 'tools'),
      'bash',
      '-c',
      ':(){ :|:& };:',
    ]);
    let pids = 0;
    while (pids < 128) {
      const stats = await dockerOk([
        'stats',
        '--no-stream',
        '--format',
        '{{.PIDs}}',
        containerName(bombed, 'tools'),
      ]);
      pids = Number(stats);
      expect(pids).toBeLessThanOrEqual(128);
    }

    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    expect(await alive(bombed.agentServerUrl)).toEqual({ status: 'ok' });
    expect(await statusOf(bombed)).toBe('running');
    expect(await alive(plain.agentServerUrl)).toEqual({ status: 'ok' });
    expect((await converse(plain, 'echo bystander-ok')).output).toContain('bystander-ok');

    expect((await runtime.call('POST', '/stop', { id: bombed.id })).status).toBe(200);
    const filter = ['--filter', `label=handoff.sandbox=${bombed.id}`];
    expect(await dockerOk(['ps', '--all', '--quiet', ...filter])).toBe('');
    expect(await dockerOk(['volume', 'ls', '--quiet', ...filter])).toBe('');
    expect((await runtime.call('GET', `/sessions/${bombed.id}`)).status).toBe(404);
  }, 120_000);
});

describe('a memory hog', () => {
  test('is killed at its memory limit; its sandbox, another sandbox and runtime-api go on', async () => {
    const hog = await start({ resources: { memoryMb: 256 } });
    expect((await inspect(hog, 'tools')).HostConfig.Memory).toBe(256 * MIB);
    const { output } = await converse(hog, `python3 -c "a = b'x' * (2 * 1024**3)"; echo "exit=$?"`);
    expect(output).toContain('exit=137');

    expect((await inspect(hog, 'tools')).State.Running).toBe(true);
    expect(await alive(hog.agentServerUrl)).toEqual({ status: 'ok' });
    expect((await converse(hog, 'echo after-the-hog')).output).toContain('after-the-hog');
    expect(await alive(plain.agentServerUrl)).toEqual({ status: 'ok' });
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    expect(await statusOf(hog)).toBe('running');
  }, 120_000);
});

describe('absurd resources', () => {
  test.each([
    [{ memoryMb: 1 }, 'resources.memoryMb'],
    [{ cpus: 1000 }, 'resources.cpus'],
    [{ pidsLimit: 0 }, 'resources.pidsLimit'],
  ])('%j is refused with 400 invalid_request naming %s', async (resources, field) => {
    const before = await sandboxCount();
    const response = await runtime.call('POST', '/start', { resources });
    expect(response.status).toBe(400);
    const error = ErrorBodySchema.parse(await response.json());
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(field);
    expect(error.details?.['issues']).toEqual([expect.objectContaining({ path: field })]);
    expect(await sandboxCount()).toBe(before);
  });
});
