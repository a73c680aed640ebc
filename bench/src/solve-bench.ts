/**
 * @module `solve_overhead_s` (issue 7): the whole `handoff solve` flow on the fixture repository
 * with the scripted model, warm pool, everything but model time: the real CLI bundle as a child
 * process (its start included), runtime-api (process provider), the real action and agent
 * servers, real git over smart HTTP with token auth and the GitHub REST stand-in. Each run
 * solves its own copy of the issue (its own branch). The share of each step is reported beside it.
 */
import { performance } from 'node:perf_hooks';
import { startRelay } from '../../e2e/src/docker/bridge-relay';
import { networkGateway, startDockerRuntime, startSandboxLlm } from '../../e2e/src/docker/docker-runtime';
import { fixingScript, runSolveCli, scriptedModel, startSolveWorld, type SolveWorld } from '../../e2e/src/solve/solve-harness';
import { round, summarize } from './stats';

const RUNS = 6;
const WARM_UP = 1;
const STEPS = ['github', 'sandbox', 'clone', 'agent', 'push', 'pull_request'] as const;

/** One run's figures, in milliseconds. */
interface RunFigures {
  wallMs: number;
  modelMs: number;
  steps: Record<(typeof STEPS)[number], number>;
}

/** The model as the sandboxes reach it. */
interface BenchModel {
  llm: Awaited<ReturnType<typeof scriptedModel>>;
  baseUrl: string;
  close: () => Promise<void>;
}

/** What one benchmark world runs on: the process provider, or Docker sandboxes of `dockerImage`. */
export interface SolveBenchOptions {
  dockerImage?: string;
}

/** Figures of {@link benchSolve}. */
export interface SolveBenchFigures {
  overheadS: number;
  wallS: number;
  shares: Record<string, number>;
  samples: number;
}

/** Runs the CLI `RUNS` times; the first `WARM_UP` runs are not counted. */
export async function benchSolve(options: SolveBenchOptions = {}): Promise<SolveBenchFigures> {
  const image = options.dockerImage;
  const docker =
    image === undefined
      ? undefined
      : await startDockerRuntime({ image, env: { HANDOFF_WARM_POOL_SIZE: '1', HANDOFF_DOCKER_LABELS: 'handoff.bench=1' } });
  const world = await startSolveWorld(
    docker === undefined
      ? {}
      : {
          runtime: { url: docker.url, apiKey: docker.apiKey, log: () => docker.service.stderr() },
          sandboxGitUrl: async (git) => startRelay(await networkGateway('handoff-egress'), Number(new URL(git.url).port)),
        },
  );
  const model = async (): Promise<BenchModel> => {
    const turns = fixingScript(world.fixture);
    if (docker === undefined) {
      const llm = await scriptedModel(turns);
      return { llm, baseUrl: llm.url, close: () => llm.close() };
    }
    const relayed = await startSandboxLlm(turns);
    return { llm: relayed.server, baseUrl: relayed.baseUrl, close: () => relayed.close() };
  };
  let runs: RunFigures[];
  try {
    runs = await runAll(world, model);
  } finally {
    await world.close();
    await docker?.close();
  }
  const counted = runs.slice(WARM_UP);
  const overhead = summarize(counted.map((r) => r.wallMs - r.modelMs));
  const wall = summarize(counted.map((r) => r.wallMs));
  const total = counted.reduce((sum, r) => sum + r.wallMs - r.modelMs, 0);
  const share = (pick: (r: RunFigures) => number) => round((counted.reduce((sum, r) => sum + pick(r), 0) / total) * 100);
  const shares: Record<string, number> = {};
  for (const step of STEPS)
    shares[step] = share((r) => (step === 'agent' ? r.steps.agent - r.modelMs : r.steps[step]));
  shares['cli_start_and_sandbox_stop'] = share((r) => r.wallMs - STEPS.reduce((sum, step) => sum + r.steps[step], 0));
  return { overheadS: round(overhead.median / 1000), wallS: round(wall.median / 1000), shares, samples: counted.length };
}

async function runAll(world: SolveWorld, model: () => Promise<BenchModel>): Promise<RunFigures[]> {
  const runs: RunFigures[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const issue = world.github.addIssue('acme/sum-lib', {
      title: `${world.fixture.issue.title} (run ${String(i + 1)})`,
      body: world.fixture.issue.body,
    });
    const { llm, baseUrl, close } = await model();
    try {
      const start = performance.now();
      const run = await runSolveCli({ world, llm, llmBaseUrl: baseUrl, args: ['solve', `acme/sum-lib#${String(issue.number)}`] });
      const wallMs = performance.now() - start;
      if (run.exitCode !== 0 || run.result === undefined)
        throw new Error(`handoff solve failed (${String(run.exitCode)}): ${run.stderr}${run.stdout}`);
      const timings = run.result['timingsMs'] as Record<string, number>;
      runs.push({
        wallMs,
        modelMs: Number(run.result['modelMs']),
        steps: Object.fromEntries(STEPS.map((step) => [step, timings[step] ?? 0])) as RunFigures['steps'],
      });
    } finally {
      await close();
    }
  }
  return runs;
}
