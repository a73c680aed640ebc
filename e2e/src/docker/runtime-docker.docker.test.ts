import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ErrorBodySchema,
  SandboxInfoSchema,
  SandboxListSchema,
  SESSION_API_KEY_HEADER,
  type Event,
  type SandboxInfo,
} from '@handoff/protocol';
import { EventStream, runConversation } from '../clients';
import { runThenFinish } from '../scripts';
import { docker, dockerOk } from './docker-cli';
import { startDockerRuntime, startSandboxLlm, type DockerRuntime, type SandboxLlm } from './docker-runtime';
import { injectedImage } from './provided';

const LLM_KEY = 'sk-runtime-docker-e2e-llm-key-0123456789';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function runtime(env: Record<string, string> = {}): Promise<DockerRuntime> {
  const started = await startDockerRuntime({ image: injectedImage(), env });
  cleanups.push(() => started.close());
  return started;
}

async function llm(command: string): Promise<SandboxLlm> {
  const started = await startSandboxLlm(runThenFinish(command));
  cleanups.push(() => started.close());
  return started;
}

/** Runs one command in the sandbox through a real conversation; returns its output. */
async function runCommand(sandbox: SandboxInfo, command: string): Promise<string> {
  const model = await llm(command);
  const { stream } = await runConversation(sandbox, {
    llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: model.baseUrl },
    initialMessage: `run ${command}`,
  });
  return commandOutput(stream.events);
}

function commandOutput(events: Event[]): string {
  const observation = events.find((e) => e.type === 'observation');
  if (observation?.type !== 'observation' || observation.observation.type !== 'run_command')
    throw new Error(`No run_command observation in ${JSON.stringify(events.map((e) => e.type))}`);
  return observation.observation.output;
}

async function metric(rt: DockerRuntime, name: string): Promise<number> {
  const text = await (await rt.call('GET', '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

async function sessions(rt: DockerRuntime, id: string): Promise<SandboxInfo> {
  const response = await rt.call('GET', `/sessions/${id}`);
  expect(response.status).toBe(200);
  return SandboxInfoSchema.parse(await response.json());
}

/** Waits until the sandbox runs again and its agent server answers; returns it as runtime-api has it then. */
async function servingAgain(rt: DockerRuntime, id: string): Promise<SandboxInfo> {
  let current: SandboxInfo | undefined;
  await vi.waitFor(
    async () => {
      current = await sessions(rt, id);
      expect(current.status).toBe('running');
      expect((await fetch(`${current.agentServerUrl}/alive`)).status).toBe(200);
    },
    { timeout: 60_000, interval: 250 },
  );
  return current!;
}

/** Container names of this runtime's sandboxes, all states. */
async function containersOf(rt: DockerRuntime): Promise<string[]> {
  const out = await dockerOk([
    'ps',
    '--all',
    '--format',
    '{{.Names}}',
    '--filter',
    `label=handoff.owner=${rt.ownerId}`,
  ]);
  return out.split('\n').filter(Boolean).sort();
}

async function volumesOf(rt: DockerRuntime): Promise<string[]> {
  const out = await dockerOk([
    'volume',
    'ls',
    '--format',
    '{{.Name}}',
    '--filter',
    `label=handoff.owner=${rt.ownerId}`,
  ]);
  return out.split('\n').filter(Boolean).sort();
}

async function waitForPool(rt: DockerRuntime, size: number): Promise<void> {
  await vi.waitFor(
    async () => {
      expect(await metric(rt, 'handoff_warm_pool_size{profile="default"}')).toBe(size);
    },
    {
      timeout: 60_000,
      interval: 100,
    },
  );
}

describe('runtime-api with the docker provider', () => {
  it('hands out a warm sandbox with its labels and secrets given at claim time, and refills the pool', async () => {
    const rt = await runtime({ HANDOFF_WARM_POOL_SIZE: '1' });
    await waitForPool(rt, 1);
    const [member] = await containersOf(rt);

    const info = await rt.start({ labels: { user: 'ada' }, environment: { CLAIM_SECRET: 'open-sesame' } });
    expect(info).toMatchObject({ status: 'running', provider: 'docker', labels: { user: 'ada' } });
    expect(member).toContain(info.id);
    expect(await metric(rt, 'handoff_warm_pool_claims_total')).toBe(1);
    expect(await metric(rt, 'handoff_cold_starts_total')).toBe(0);

    const output = await runCommand(info, 'echo "secret=$CLAIM_SECRET uid=$(id -u)"');
    expect(output).toContain('secret=open-sesame uid=1000');
    // The secret is in no label and no container configuration.
    const inspect = await dockerOk(['inspect', ...(await containersOf(rt))]);
    expect(inspect).not.toContain('open-sesame');

    await waitForPool(rt, 1);
    const list = SandboxListSchema.parse(await (await rt.call('GET', '/list')).json());
    expect(list.items.map((item) => item.id)).toEqual([info.id]);
  });

  it('cold-starts with an empty pool, and stop removes both containers and every volume', async () => {
    const rt = await runtime();
    const info = await rt.start({ labels: { kind: 'cold' } });
    expect(await metric(rt, 'handoff_cold_starts_total')).toBe(1);
    expect(await containersOf(rt)).toEqual([`handoff-${info.id}-agent`, `handoff-${info.id}-tools`]);
    expect(await volumesOf(rt)).toEqual(
      ['home', 'state', 'workspace'].map((role) => `handoff-${info.id}-${role}`),
    );
    expect(await runCommand(info, 'echo cold-$((40 + 2))')).toContain('cold-42');

    expect((await rt.call('POST', '/stop', { id: info.id })).status).toBe(200);
    expect(await containersOf(rt)).toEqual([]);
    expect(await volumesOf(rt)).toEqual([]);
    const again = await rt.call('POST', '/stop', { id: info.id });
    expect(again.status).toBe(404);
    expect(ErrorBodySchema.parse(await again.json()).code).toBe('sandbox_not_found');
  });

  it('pauses and resumes with the workspace and the conversation intact', async () => {
    const rt = await runtime();
    const info = await rt.start();
    await runCommand(info, 'echo kept > /workspace/note.txt');

    const paused = await rt.call('POST', '/pause', { id: info.id });
    expect(SandboxInfoSchema.parse(await paused.json()).status).toBe('paused');
    const states = await dockerOk([
      'inspect',
      '--format',
      '{{.State.Status}}',
      `handoff-${info.id}-tools`,
      `handoff-${info.id}-agent`,
    ]);
    expect(states.split('\n')).toEqual(['paused', 'paused']);
    expect((await sessions(rt, info.id)).status).toBe('paused');
    // Pausing twice is a no-op.
    expect((await rt.call('POST', '/pause', { id: info.id })).status).toBe(200);

    const resumed = await rt.call('POST', '/resume', { id: info.id });
    expect(SandboxInfoSchema.parse(await resumed.json()).status).toBe('running');
    expect(await runCommand(info, 'cat /workspace/note.txt')).toContain('kept');
    const conversations = await fetch(`${info.agentServerUrl}/api/conversations`, {
      headers: { [SESSION_API_KEY_HEADER]: info.sessionApiKey },
    });
    expect(((await conversations.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  it('survives its own SIGKILL: a restarted runtime-api adopts sandboxes, claims and warm members', async () => {
    const rt = await runtime({ HANDOFF_WARM_POOL_SIZE: '1' });
    await waitForPool(rt, 1);
    const claimed = await rt.start({ labels: { owner: 'grace' } });
    await waitForPool(rt, 1);
    const cold = await rt.start({ image: injectedImage(), labels: { owner: 'alan' } });
    await runCommand(claimed, 'echo survived > /workspace/proof.txt');
    const paused = SandboxInfoSchema.parse(await (await rt.call('POST', '/pause', { id: cold.id })).json());
    const before = await containersOf(rt);

    await rt.restart();

    // Nothing was removed or created: everything was taken back as it was.
    expect(await containersOf(rt)).toEqual(before);
    const list = SandboxListSchema.parse(await (await rt.call('GET', '/list')).json());
    expect(
      list.items.map(({ id, status, labels, sessionApiKey, agentServerUrl }) => ({
        id,
        status,
        labels,
        sessionApiKey,
        agentServerUrl,
      })),
    ).toEqual([
      {
        id: claimed.id,
        status: 'running',
        labels: { owner: 'grace' },
        sessionApiKey: claimed.sessionApiKey,
        agentServerUrl: claimed.agentServerUrl,
      },
      {
        id: cold.id,
        status: 'paused',
        labels: { owner: 'alan' },
        sessionApiKey: cold.sessionApiKey,
        agentServerUrl: paused.agentServerUrl,
      },
    ]);
    expect(await runCommand(claimed, 'cat /workspace/proof.txt')).toContain('survived');
    // The warm member came back into the pool: the next start is a claim, not a cold start.
    expect(await metric(rt, 'handoff_warm_pool_size{profile="default"}')).toBe(1);
    const next = await rt.start();
    expect(before.some((name) => name.includes(next.id))).toBe(true);
    expect(await metric(rt, 'handoff_cold_starts_total')).toBe(0);
    expect((await rt.call('POST', '/resume', { id: cold.id })).status).toBe(200);
  });

  it('brings a sandbox whose action server died back: Docker restarts it, runtime-api rejoins the agent', async () => {
    const rt = await runtime();
    const info = await rt.start();
    await runCommand(info, 'echo before > /workspace/crash.txt');
    await dockerOk(['exec', `handoff-${info.id}-tools`, 'pkill', '-KILL', '-f', 'action-server/main.js']);
    const restarts = async (role: string) =>
      Number(await dockerOk(['inspect', '--format', '{{.RestartCount}}', `handoff-${info.id}-${role}`]));
    await vi.waitFor(
      async () => {
        expect(await restarts('tools')).toBe(1);
      },
      { timeout: 60_000, interval: 100 },
    );
    const current = await servingAgain(rt, info.id);
    expect(await runCommand(current, 'cat /workspace/crash.txt')).toContain('before');
    // The agent container went back into the new network namespace with it.
    const started = await dockerOk([
      'inspect',
      '--format',
      '{{.State.StartedAt}}',
      `handoff-${info.id}-tools`,
      `handoff-${info.id}-agent`,
    ]);
    const [toolsStarted, agentStarted] = started.split('\n').map((time) => Date.parse(time));
    expect(agentStarted).toBeGreaterThan(toolsStarted ?? Number.POSITIVE_INFINITY);
  });

  it('starts again a container Docker left down (an engine restore that tried the agent first)', async () => {
    const rt = await runtime({ HANDOFF_LIFECYCLE_INTERVAL_MS: '300' });
    const info = await rt.start();
    await runCommand(info, 'echo before > /workspace/healed.txt');
    // Stopped through the API, Docker's restart policy leaves it down, as after a failed restore.
    await dockerOk(['stop', '--time', '1', `handoff-${info.id}-agent`]);
    await vi.waitFor(
      async () => {
        expect((await sessions(rt, info.id)).status).toBe('error');
      },
      { timeout: 30_000, interval: 50 },
    );
    const current = await servingAgain(rt, info.id);
    expect(await runCommand(current, 'cat /workspace/healed.txt')).toContain('before');
    expect(rt.service.stderr()).toContain('sandbox containers Docker left down were started again');
  });

  it('removes what a start cut short by a SIGKILL left behind', async () => {
    const rt = await runtime();
    const starting = rt.call('POST', '/start', {}).catch(() => undefined);
    await vi.waitFor(
      async () => {
        expect((await volumesOf(rt)).length).toBeGreaterThan(0);
      },
      { interval: 20 },
    );
    await rt.restart();
    await starting;
    // Complete sandboxes are adopted; a half-made one (volumes, maybe containers) is either adopted
    // as broken or removed: nothing is left that the API does not show.
    const list = SandboxListSchema.parse(await (await rt.call('GET', '/list')).json());
    const shown = new Set(list.items.map((item) => item.id));
    for (const name of [...(await containersOf(rt)), ...(await volumesOf(rt))])
      expect(shown.has(name.split('-').slice(1, 3).join('-'))).toBe(true);
    for (const item of list.items) expect((await rt.call('POST', '/stop', { id: item.id })).status).toBe(200);
    expect(await containersOf(rt)).toEqual([]);
    expect(await volumesOf(rt)).toEqual([]);
  });

  it('answers bad input clearly', async () => {
    const rt = await runtime();
    const unknownImage = await rt.call('POST', '/start', { image: 'handoff/no-such-image:nope' });
    expect(unknownImage.status).toBe(400);
    const body = ErrorBodySchema.parse(await unknownImage.json());
    expect(body.code).toBe('image_not_found');
    expect(body.message).toContain('handoff/no-such-image:nope');
    expect(await containersOf(rt)).toEqual([]);
    expect(await volumesOf(rt)).toEqual([]);

    const absurd = await rt.call('POST', '/start', { resources: { memoryMb: 1 } });
    expect(absurd.status).toBe(400);
    expect(ErrorBodySchema.parse(await absurd.json()).code).toBe('invalid_request');
    // More than the engine's host has: refused before Docker is asked (it would fail late and vaguely).
    const tooBig = await rt.call('POST', '/start', { resources: { cpus: 64, memoryMb: 262_144 } });
    expect(tooBig.status).toBe(400);
    const tooBigBody = ErrorBodySchema.parse(await tooBig.json());
    expect(tooBigBody.message).toContain('resources.cpus: 64 is more than the');
    expect(tooBigBody.message).toContain('resources.memoryMb: 262144 is more than the');
    expect(await containersOf(rt)).toEqual([]);
    const reserved = await rt.call('POST', '/start', { environment: { HANDOFF_SESSION_API_KEY: 'x' } });
    expect(reserved.status).toBe(400);
    for (const route of ['/stop', '/pause', '/resume']) {
      const response = await rt.call('POST', route, { id: 'sbx-000000000000000000000000' });
      expect(response.status).toBe(404);
    }
    expect((await rt.call('GET', '/sessions/sbx-000000000000000000000000')).status).toBe(404);
    const wrongKey = await fetch(`${rt.url}/list`, { headers: { 'x-api-key': 'wrong-key-wrong-key' } });
    expect(wrongKey.status).toBe(401);
  });
});

describe('the docker lifecycle policy', () => {
  it('pauses a sandbox nobody uses, not one a client follows, and reaps one paused too long', async () => {
    const rt = await runtime({
      HANDOFF_IDLE_PAUSE_MS: '1500',
      HANDOFF_REAP_AFTER_MS: '4000',
      HANDOFF_LIFECYCLE_INTERVAL_MS: '250',
    });
    const idle = await rt.start({ labels: { name: 'idle' } });
    const watched = await rt.start({ labels: { name: 'watched' } });
    const model = await llm('echo watched');
    const { conversation } = await runConversation(watched, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: model.baseUrl },
      initialMessage: 'run echo watched',
    });
    const follower = new EventStream(watched.agentServerUrl, conversation.id, watched.sessionApiKey);
    cleanups.push(() => follower.close());

    await vi.waitFor(
      async () => {
        expect((await sessions(rt, idle.id)).status).toBe('paused');
      },
      {
        timeout: 20_000,
        interval: 200,
      },
    );
    expect((await sessions(rt, watched.id)).status).toBe('running');
    // Paused long enough, its owner is taken to be gone: containers and volumes go.
    await vi.waitFor(
      async () => {
        expect((await rt.call('GET', `/sessions/${idle.id}`)).status).toBe(404);
      },
      {
        timeout: 30_000,
        interval: 250,
      },
    );
    expect((await containersOf(rt)).filter((name) => name.includes(idle.id))).toEqual([]);
    expect((await volumesOf(rt)).filter((name) => name.includes(idle.id))).toEqual([]);
  });

  it('runs at most HANDOFF_MAX_RUNNING: the least recently active idle sandbox is paused for a new one', async () => {
    const rt = await runtime({ HANDOFF_MAX_RUNNING: '1' });
    const first = await rt.start();
    const second = await rt.start();
    expect((await sessions(rt, first.id)).status).toBe('paused');
    expect(second.status).toBe('running');
    // Resuming the first pauses the second in turn.
    expect((await rt.call('POST', '/resume', { id: first.id })).status).toBe(200);
    expect((await sessions(rt, second.id)).status).toBe('paused');
    const stateOf = async (name: string) =>
      (await docker(['inspect', '--format', '{{.State.Status}}', name])).stdout.trim();
    expect(await stateOf(`handoff-${second.id}-tools`)).toBe('paused');
  });
});
