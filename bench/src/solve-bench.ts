/**
 * @module `solve_overhead_s` (issue 7): the whole `handoff solve` flow on the fixture repository
 * with the scripted model, warm pool, everything but model time: the real CLI bundle as a child
 * process (its start included), runtime-api (process provider), the real action and agent
 * servers, real git over smart HTTP with token auth and the GitHub REST stand-in. Each run
 * solves its own copy of the issue (its own branch). The share of each step is reported beside it.
 */
import { performance } from 'node:perf_hooks';
import { fixingScript, runSolveCli, scriptedModel, startSolveWorld } from '../../e2e/src/solve/solve-harness';
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

/** Runs the CLI `RUNS` times; the first `WARM_UP` runs are not counted. */
export async function benchSolve(): Promise<{ overheadS: number; wallS: number; shares: Record<string, number>; samples: number }> {
  const world = await startSolveWorld();
  const runs: RunFigures[] = [];
  try {
    for (let i = 0; i < RUNS; i += 1) {
      const issue = world.github.addIssue('acme/sum-lib', { title: `${world.fixture.issue.title} (run ${String(i + 1)})`, body: world.fixture.issue.body });
      const llm = await scriptedModel(fixingScript(world.fixture));
      try {
        const start = performance.now();
        const run = await runSolveCli({ world, llm, args: ['solve', `acme/sum-lib#${String(issue.number)}`] });
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
        await llm.close();
      }
    }
  } finally {
    await world.close();
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
