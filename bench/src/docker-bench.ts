/**
 * @module The docker provider's figures (issue 5), through runtime-api's HTTP API: warm claims
 * (with and without claim-time environment), cold starts, `docker run` as the floor, one idle
 * sandbox's memory, and `GET /list` with 200 sandboxes. Skipped, with a note, when no Docker
 * engine answers or the sandbox image cannot be built.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { RUNTIME_API_KEY_HEADER, SandboxListSchema, type SandboxInfo } from '@handoff/protocol';
import { buildImage } from '../../e2e/src/docker/build-image';
import { startDockerRuntime, type DockerRuntime } from '../../e2e/src/docker/docker-runtime';
import { FakeSandboxProvider, RecordingLogger, createApp } from '../../runtime-api/src/testing';
import { round, summarize, type Timing } from './stats';

/** `bench/out/latest.json` entries; `note` says how a figure was measured when that is not obvious. */
type Results = Record<string, { value: number; unit: string; note?: string }>;

const WARM_SAMPLES = 20;
const COLD_SAMPLES = 8;
const FLOOR_SAMPLES = 5;
const WARMUP = 2;
/** Not the tests' label: the docker tests' setup removes test-labelled containers. */
const BENCH_LABEL = 'handoff.bench=1';
const POOL_GAUGE = 'handoff_warm_pool_size{profile="default"}';

function put(results: Results, name: string, value: number, unit: string, note?: string): void {
  results[name] = { value: round(value), unit, ...(note === undefined ? {} : { note }) };
  console.log(`${name.padEnd(32)} ${String(round(value)).padStart(10)} ${unit}${note ? `   ${note}` : ''}`);
}

function putTiming(results: Results, name: string, timing: Timing, note: string): void {
  put(results, name, timing.median, 'ms', `p50; ${note}`);
  put(results, `${name}_p95`, timing.p95, 'ms', `n=${String(timing.samples)}`);
}

/** Runs a command; resolves with its exit code and output. */
function run(
  file: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
    });
  });
}

/** Builds (or reuses) the sandbox image as the docker tests do; its tag, or why there is none. */
async function sandboxImage(): Promise<{ image: string } | { reason: string }> {
  if ((await run('docker', ['info'])).code !== 0)
    return { reason: 'no Docker engine answers (docker info failed)' };
  const built = await buildImage();
  return built.ok ? { image: built.image } : { reason: built.message.slice(-600) };
}

function runtime(image: string, env: Record<string, string>): Promise<DockerRuntime> {
  return startDockerRuntime({
    image,
    env: {
      HANDOFF_DOCKER_LABELS: BENCH_LABEL,
      HANDOFF_IDLE_PAUSE_MS: '0',
      HANDOFF_MAX_SANDBOXES: '8',
      ...env,
    },
  });
}

async function poolSize(rt: DockerRuntime): Promise<number> {
  const text = await (await rt.call('GET', '/metrics')).text();
  const line = text.split('\n').find((row) => row.startsWith(`${POOL_GAUGE} `));
  return line === undefined ? 0 : Number(line.slice(POOL_GAUGE.length + 1));
}

/** Waits until the pool holds a ready member again (its refill is a cold start in the background). */
async function poolRefilled(rt: DockerRuntime): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await poolSize(rt)) < 1) {
    if (Date.now() > deadline) throw new Error('the docker warm pool did not refill within 60 s');
    await delay(20);
  }
}

async function stop(rt: DockerRuntime, sandbox: SandboxInfo): Promise<void> {
  const response = await rt.call('POST', '/stop', { id: sandbox.id });
  if (!response.ok)
    throw new Error(`POST /stop answered ${String(response.status)}: ${await response.text()}`);
}

/** `POST /start` until the answer, `samples` times after a warm-up; each sandbox stopped before the next. */
async function measureStarts(
  rt: DockerRuntime,
  samples: number,
  options: { pool: boolean; environment?: Record<string, string> },
): Promise<Timing> {
  const took: number[] = [];
  for (let i = 0; i < WARMUP + samples; i += 1) {
    if (options.pool) await poolRefilled(rt);
    const began = performance.now();
    const sandbox = await rt.start({ labels: { bench: 'start' }, environment: options.environment });
    const elapsed = performance.now() - began;
    await stop(rt, sandbox);
    if (i >= WARMUP) took.push(elapsed);
  }
  return summarize(took);
}

/** `docker run --rm <image> true`: what Docker itself costs for one container. */
async function dockerRunFloor(image: string): Promise<Timing> {
  const took: number[] = [];
  for (let i = 0; i < 1 + FLOOR_SAMPLES; i += 1) {
    const began = performance.now();
    // The image's entrypoint is the supervisor, which wants a key: `true` replaces it.
    const result = await run('docker', [
      'run',
      '--rm',
      '--label',
      BENCH_LABEL,
      '--entrypoint',
      'true',
      image,
    ]);
    if (result.code !== 0)
      throw new Error(`docker run --rm --entrypoint true ${image} failed: ${result.stderr}`);
    if (i >= 1) took.push(performance.now() - began);
  }
  return summarize(took);
}

/**
 * Memory of every process of a container (MiB), read from /proc of this machine: RSS, its private
 * part (RssAnon; the rest is mostly node's binary, shared through the page cache), and PSS (each
 * shared page divided among the processes mapping it, so the two services' one node binary counts once).
 */
async function containerRssMb(container: string): Promise<{ rss: number; anon: number; pss: number }> {
  const top = await run('docker', ['top', container, '-o', 'pid']);
  if (top.code !== 0) throw new Error(`docker top ${container} failed: ${top.stderr}`);
  const pids = top.stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean);
  let rss = 0;
  let anon = 0;
  let pss = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rss += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    anon += Number(/^RssAnon:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return { rss: rss / 1024, anon: anon / 1024, pss: pss / 1024 };
}

/** `docker stats --no-stream` memory usage (MiB) of a container: its cgroup, page cache included. */
async function cgroupMb(container: string): Promise<number> {
  const stats = await run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', container]);
  const match = /^([\d.]+)\s*([KMG]i?B)/.exec(stats.stdout.trim());
  if (stats.code !== 0 || !match)
    throw new Error(`docker stats ${container}: ${stats.stdout}${stats.stderr}`);
  const scale: Record<string, number> = { KiB: 1 / 1024, kB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 };
  return Number(match[1]) * (scale[match[2] ?? 'MiB'] ?? 1);
}

/** One idle sandbox's memory: both containers, per process (RSS) and per cgroup. */
async function idleMemory(
  rt: DockerRuntime,
): Promise<{ rss: number; anon: number; pss: number; cgroup: number; detail: string }> {
  const sandbox = await rt.start({ labels: { bench: 'idle' } });
  try {
    await delay(3000); // let both servers settle after start-up
    const names = (['tools', 'agent'] as const).map((role) => `handoff-${sandbox.id}-${role}`);
    const [tools, agent] = await Promise.all(names.map(containerRssMb));
    const cgroup = await Promise.all(names.map(cgroupMb));
    if (!tools || !agent) throw new Error('no memory figures for the sandbox');
    const detail = `tools ${String(round(tools.pss))} MiB + agent ${String(round(agent.pss))} MiB`;
    return {
      rss: tools.rss + agent.rss,
      pss: tools.pss + agent.pss,
      anon: tools.anon + agent.anon,
      cgroup: (cgroup[0] ?? 0) + (cgroup[1] ?? 0),
      detail,
    };
  } finally {
    await stop(rt, sandbox);
  }
}

/** `GET /list` (limit 200) over runtime-api's real HTTP app holding 200 sandboxes in the FakeSandboxProvider. */
async function list200(): Promise<Timing> {
  const apiKey = 'bench-list-key-0123456789abcdef';
  const provider = new FakeSandboxProvider();
  for (let i = 0; i < 200; i += 1) await provider.start({ labels: { n: String(i) } });
  const app = createApp({ apiKey, provider, logger: new RecordingLogger() });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(started);
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    const took: number[] = [];
    for (let i = 0; i < 5 + 50; i += 1) {
      const began = performance.now();
      const response = await fetch(`http://127.0.0.1:${String(port)}/list?limit=200`, {
        headers: { [RUNTIME_API_KEY_HEADER]: apiKey },
      });
      const page = SandboxListSchema.parse(await response.json());
      if (page.items.length !== 200) throw new Error(`GET /list gave ${String(page.items.length)} sandboxes`);
      if (i >= 5) took.push(performance.now() - began);
    }
    return summarize(took);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Warm claims (with and without environment), then cold starts, each over its own runtime-api. */
async function startFigures(results: Results, image: string): Promise<void> {
  const warmRt = await runtime(image, { HANDOFF_WARM_POOL_SIZE: '1' });
  let warm: Timing;
  let warmEnv: Timing;
  try {
    warm = await measureStarts(warmRt, WARM_SAMPLES, { pool: true });
    warmEnv = await measureStarts(warmRt, WARM_SAMPLES, {
      pool: true,
      environment: { BENCH_SECRET: 'x'.repeat(32) },
    });
  } finally {
    await warmRt.close();
  }
  const coldRt = await runtime(image, { HANDOFF_WARM_POOL_SIZE: '0' });
  let cold: Timing;
  try {
    cold = await measureStarts(coldRt, COLD_SAMPLES, { pool: false });
  } finally {
    await coldRt.close();
  }
  const floor = await dockerRunFloor(image);
  putTiming(results, 'start_warm_ms', warm, 'docker provider, pool 1, claim with labels');
  putTiming(results, 'start_warm_env_ms', warmEnv, 'as start_warm_ms, plus claim-time environment');
  putTiming(results, 'start_cold_ms', cold, 'docker provider, pool 0: two containers to both ready lines');
  putTiming(results, 'docker_run_floor_ms', floor, `docker run --rm --entrypoint true ${image}`);
  put(
    results,
    'cold_over_warm',
    cold.median / warm.median,
    'x',
    'start_cold_ms p50 over start_warm_ms p50, one run',
  );
}

/** The docker provider's figures; a note instead when Docker or the image is missing. */
export async function benchDocker(results: Results): Promise<void> {
  const found = await sandboxImage();
  console.log('docker provider (this takes a few minutes):');
  if ('reason' in found) {
    console.log(`docker figures skipped: ${found.reason}`);
    return;
  }
  await startFigures(results, found.image);
  const idleRt = await runtime(found.image, { HANDOFF_WARM_POOL_SIZE: '0' });
  try {
    const memory = await idleMemory(idleRt);
    put(
      results,
      'sandbox_idle_rss_mb',
      memory.cgroup,
      'MiB',
      "memory of one idle sandbox as Docker accounts it (docker stats, both containers' cgroups): what its memory limit is enforced against and what each more sandbox costs",
    );
    put(
      results,
      'sandbox_idle_pss_mb',
      memory.pss,
      'MiB',
      `PSS of every process of both containers, node's binary (mapped by both services, shared with no other sandbox here) split between them: ${memory.detail}`,
    );
    put(
      results,
      'sandbox_idle_rss_sum_mb',
      memory.rss,
      'MiB',
      "plain sum of VmRSS of the same processes (counts node's shared binary once per process)",
    );
    put(
      results,
      'sandbox_idle_anon_mb',
      memory.anon,
      'MiB',
      "RssAnon of the same processes: the sandbox's own memory, without node's binary shared through the page cache",
    );
  } finally {
    await idleRt.close();
  }
  put(
    results,
    'list_200_ms',
    (await list200()).median,
    'ms',
    "p50 of GET /list?limit=200 over runtime-api's HTTP app with 200 sandboxes in FakeSandboxProvider " +
      '(200 real docker sandboxes need ~15 GB and minutes)',
  );
}
