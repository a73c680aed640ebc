/**
 * @module runtime-api with two Docker engines: placement on the least loaded healthy engine, an
 * engine going away (its sandboxes `unavailable`, new ones elsewhere, 503 for what needs it) and
 * coming back (runtime-api recovers by itself), and an engine that is down when runtime-api starts.
 * Every test here stops and starts the second engine, so they all live in this one file and run
 * one after the other; the second engine is left running whatever happens.
 */
import { afterAll, afterEach, describe, expect, onTestFailed, test, vi } from 'vitest';
import {
  ErrorBodySchema,
  SandboxInfoSchema,
  SandboxListSchema,
  type ErrorBody,
  type Event,
  type SandboxInfo,
} from '@handoff/protocol';
import { EventStream, reachedState, runConversation } from '../clients';
import { runThenFinish } from '../scripts';
import { dockerOk } from './docker-cli';
import { MAIN_ENGINE_HOST, startDockerRuntime, startSandboxLlm, type DockerRuntime } from './docker-runtime';
import { secondEngine } from './engines';
import { injectedImage, injectedSecondEngine } from './provided';

const LLM_KEY = 'sk-runtime-engines-e2e-llm-key-0123456789';
/** Engine outages and recoveries are seen within seconds; this bounds the waits, it asserts no timing. */
const WAIT = { timeout: 60_000, interval: 200 };

const engine = secondEngine();

/** The injected image and second engine; fails the test with the setup's reason when missing. */
function provided(): { image: string; second: string } {
  return { image: injectedImage(), second: injectedSecondEngine() };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await engine.start();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await engine.start();
});

async function runtime(engines: readonly string[], env: Record<string, string> = {}): Promise<DockerRuntime> {
  const started = await startDockerRuntime({
    image: provided().image,
    engines,
    // A quick lifecycle pass, and nothing paused or reaped behind the test's back.
    env: { HANDOFF_IDLE_PAUSE_MS: '0', HANDOFF_REAP_AFTER_MS: '0', HANDOFF_MAX_SANDBOXES: '16', ...env },
  });
  cleanups.push(() => started.close());
  onTestFailed(() => {
    process.stderr.write(`runtime-api's log (the end):\n${started.service.stderr().slice(-6000)}\n`);
  });
  return started;
}

async function session(rt: DockerRuntime, id: string): Promise<SandboxInfo> {
  const response = await rt.call('GET', `/sessions/${id}`);
  expect(response.status).toBe(200);
  return SandboxInfoSchema.parse(await response.json());
}

async function listed(rt: DockerRuntime): Promise<Map<string, SandboxInfo['status']>> {
  const response = await rt.call('GET', '/list?limit=100');
  expect(response.status).toBe(200);
  const { items } = SandboxListSchema.parse(await response.json());
  return new Map(items.map((item) => [item.id, item.status]));
}

/** The answer of a call that must fail, with its status and ErrorBody. */
async function failure(response: Response): Promise<{ status: number; body: ErrorBody }> {
  return { status: response.status, body: ErrorBodySchema.parse(await response.json()) };
}

/** Ids of the runtime's sandboxes whose tools container runs on `host` (by `docker ps` there). */
async function sandboxesOn(rt: DockerRuntime, host: string): Promise<string[]> {
  const out = await dockerOk(
    [
      'ps', '--format', '{{.Label "handoff.sandbox"}}',
      '--filter', `label=handoff.owner=${rt.ownerId}`, '--filter', 'label=handoff.role=tools',
    ],
    { host },
  ); // prettier-ignore
  return out.split('\n').filter(Boolean).sort();
}

/** Runs one command through a real conversation with a scripted LLM reachable from `host`'s sandboxes. */
async function converse(
  sandbox: SandboxInfo,
  command: string,
  host: string,
): Promise<{ id: string; output: string }> {
  const llm = await startSandboxLlm(runThenFinish(command), host);
  try {
    const { conversation, stream } = await runConversation(sandbox, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.baseUrl },
      initialMessage: `run ${command}`,
    });
    return { id: conversation.id, output: commandOutput(stream.events) };
  } finally {
    await llm.close();
  }
}

function commandOutput(events: Event[]): string {
  const observation = events.find((e) => e.type === 'observation');
  if (observation?.type !== 'observation' || observation.observation.type !== 'run_command')
    throw new Error(`No run_command observation in ${JSON.stringify(events.map((e) => e.type))}`);
  return observation.observation.output;
}

/** The events a conversation holds, replayed from the start over its WebSocket. */
async function replay(sandbox: SandboxInfo, conversationId: string): Promise<string[]> {
  const stream = new EventStream(sandbox.agentServerUrl, conversationId, sandbox.sessionApiKey);
  try {
    await stream.until(reachedState('finished'));
    return stream.events.map((e) => e.type);
  } finally {
    await stream.close();
  }
}

async function alive(sandbox: SandboxInfo): Promise<number> {
  return (await fetch(`${sandbox.agentServerUrl}/alive`)).status;
}

describe('runtime-api over two Docker engines', () => {
  test('spreads starts over both engines, least loaded first', async () => {
    const { second } = provided();
    const rt = await runtime([MAIN_ENGINE_HOST, second]);
    const started = [];
    for (let i = 0; i < 4; i += 1) started.push(await rt.start({ labels: { n: String(i) } }));

    const onMain = await sandboxesOn(rt, MAIN_ENGINE_HOST);
    const onSecond = await sandboxesOn(rt, second);
    expect(onMain).toHaveLength(2);
    expect(onSecond).toHaveLength(2);
    expect([...onMain, ...onSecond].sort()).toEqual(started.map((s) => s.id).sort());
    for (const sandbox of started) expect(await alive(sandbox)).toBe(200);
  });

  test('an engine that goes away: its sandboxes are unavailable, new ones go elsewhere, and it comes back', async () => {
    const { second } = provided();
    const rt = await runtime([MAIN_ENGINE_HOST, second]);
    // Least loaded first, ties to the first engine: main, second, main, second.
    const mainOne = await rt.start();
    const secondOne = await rt.start();
    const mainTwo = await rt.start();
    const secondTwo = await rt.start();
    expect(await sandboxesOn(rt, second)).toEqual([secondOne.id, secondTwo.id].sort());
    const before = await converse(
      secondOne,
      'echo kept > /workspace/note.txt && cat /workspace/note.txt',
      second,
    );
    expect(before.output).toBe('kept\n');

    await engine.stop();
    await vi.waitFor(async () => {
      expect((await session(rt, secondOne.id)).status).toBe('unavailable');
    }, WAIT);
    const statuses = await listed(rt);
    expect(statuses.get(secondOne.id)).toBe('unavailable');
    expect(statuses.get(secondTwo.id)).toBe('unavailable');
    expect(statuses.get(mainOne.id)).toBe('running');
    expect(statuses.get(mainTwo.id)).toBe('running');
    expect(await alive(mainOne)).toBe(200);

    for (const verb of ['stop', 'pause', 'resume']) {
      const answer = await failure(await rt.call('POST', `/${verb}`, { id: secondOne.id }));
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('engine_unavailable');
      expect(answer.body.message).toContain(second);
      expect(answer.body.message).toMatch(/Start it/);
    }
    const elsewhere = [await rt.start(), await rt.start()];
    expect(await sandboxesOn(rt, MAIN_ENGINE_HOST)).toEqual(
      [mainOne.id, mainTwo.id, ...elsewhere.map((s) => s.id)].sort(),
    );
    for (const sandbox of elsewhere) expect(await alive(sandbox)).toBe(200);
    expect((await rt.call('POST', '/pause', { id: mainOne.id })).status).toBe(200);
    expect((await rt.call('POST', '/resume', { id: mainOne.id })).status).toBe(200);

    await engine.start();
    await vi.waitFor(async () => {
      const statuses = await listed(rt);
      expect(statuses.get(secondOne.id)).toBe('running');
      expect(statuses.get(secondTwo.id)).toBe('running');
    }, WAIT);
    // The engine restarted both containers (the agent server on a new published port); `running`
    // says both containers run, the agent server answers a moment later.
    const back = await session(rt, secondOne.id);
    await vi.waitFor(async () => {
      expect(await alive(back)).toBe(200);
    }, WAIT);
    expect(await replay(back, before.id)).toContain('observation');
    const after = await converse(back, 'cat /workspace/note.txt', second);
    expect(after.output).toBe('kept\n');

    // Main holds 5, the second engine 2: the next start goes there again.
    const again = await rt.start();
    expect(await sandboxesOn(rt, second)).toContain(again.id);
    expect(await alive(again)).toBe(200);
    expect((await rt.call('POST', '/stop', { id: secondTwo.id })).status).toBe(200);
  });

  test('an engine that is down when runtime-api starts: 503 until it answers, then starts work', async () => {
    const { second } = provided();
    await engine.stop();
    const rt = await runtime([second]);
    expect((await rt.call('GET', '/health')).status).toBe(200);

    const refused = await failure(await rt.call('POST', '/start', {}));
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('engine_unavailable');
    expect(refused.body.message).toContain(second);
    expect(refused.body.message).toMatch(/Start it .*reconnects by itself/);

    await engine.start();
    const sandbox = await vi.waitFor(async () => {
      const response = await rt.call('POST', '/start', {});
      expect(response.status).toBe(201);
      return SandboxInfoSchema.parse(await response.json());
    }, WAIT);
    expect(sandbox.status).toBe('running');
    expect(await sandboxesOn(rt, second)).toEqual([sandbox.id]);
    expect(await alive(sandbox)).toBe(200);
  });
});
