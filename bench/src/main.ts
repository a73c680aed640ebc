import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecuteActionResponseSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { startScriptedLlmServer } from '../../agent-server/src/testing/scripted-llm-server';
import { runConversation, startSandbox, stopSandbox } from '../../e2e/src/clients';
import { buildImage } from '../../e2e/src/docker/build-image';
import { BUNDLES, REPO_ROOT, startService } from '../../e2e/src/services';
import { startRuntimeStack } from '../../e2e/src/stack';
import { benchAgentServer } from './agent-bench';
import { benchDocker } from './docker-bench';
import { benchExtension } from './extension-bench';
import { benchMirrorLatency } from './mirror-bench';
import { benchRuntime } from './runtime-bench';
import { benchSolve, type SolveBenchFigures } from './solve-bench';
import { benchBashRtt, benchChangeScan, benchEditRtt, benchUpload } from './sandbox-bench';
import { summarize, time, type Timing } from './stats';

/** `bench/out/latest.json`: `{ "<metric>": { value, unit } }`. */
type Results = Record<string, { value: number; unit: string; note?: string }>;

function record(results: Results, name: string, timing: Timing): void {
  results[`${name}_median`] = { value: timing.median, unit: 'ms' };
  results[`${name}_p95`] = { value: timing.p95, unit: 'ms' };
  console.log(
    `${name.padEnd(32)} median ${String(timing.median).padStart(8)} ms   p95 ${String(timing.p95).padStart(8)} ms   (n=${String(timing.samples)})`,
  );
}

/** Cold start of a process sandbox (both services up and ready), and its stop, through runtime-api's HTTP API. */
async function benchSandboxStart(results: Results): Promise<void> {
  // Pool off: this is the cold start of a process sandbox; benchRuntime measures warm claims.
  const stack = await startRuntimeStack({ HANDOFF_WARM_POOL_SIZE: '0' });
  const starts: number[] = [];
  const stops: number[] = [];
  try {
    for (let i = 0; i < 17; i += 1) {
      const t0 = performance.now();
      const sandbox = await startSandbox(stack.runtime.url, stack.apiKey);
      const t1 = performance.now();
      await stopSandbox(stack.runtime.url, stack.apiKey, sandbox.id);
      const t2 = performance.now();
      if (i < 2) continue; // warm-up: the first spawns pay for the disk cache
      starts.push(t1 - t0);
      stops.push(t2 - t1);
    }
    record(results, 'process_sandbox_start', summarize(starts));
    record(results, 'process_sandbox_stop', summarize(stops));
  } finally {
    await stack.close();
  }
}

/** One `echo` through the action server's HTTP API: request, real bash, response. */
async function benchBashRoundTrip(results: Results): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'handoff-bench-'));
  const workspace = path.join(dir, 'workspace');
  mkdirSync(workspace);
  const key = randomBytes(24).toString('base64url');
  const server = await startService(BUNDLES.actionServer, {
    HANDOFF_SESSION_API_KEY: key,
    HANDOFF_WORKSPACE: workspace,
    HANDOFF_PORT: '0',
  });
  try {
    const samples = await time(
      100,
      async () => {
        const response = await fetch(`${server.url}/execute_action`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: key },
          body: JSON.stringify({ action: { type: 'run_command', command: 'echo hi' } }),
        });
        const { observation } = ExecuteActionResponseSchema.parse(await response.json());
        if (observation.type !== 'run_command' || observation.output !== 'hi\n')
          throw new Error('unexpected output');
      },
      5,
    );
    record(results, 'bash_round_trip', summarize(samples));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A whole conversation: create → LLM → execute_bash → LLM → finish, seen over the WebSocket. */
async function benchConversation(results: Results): Promise<void> {
  const stack = await startRuntimeStack();
  const sandbox = await startSandbox(stack.runtime.url, stack.apiKey);
  const turns = [
    { toolCalls: [{ name: 'execute_bash', arguments: { command: 'echo hello', security_risk: 'LOW' } }] },
    { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
  ];
  try {
    const samples = await time(10, async () => {
      const llm = await startScriptedLlmServer(turns);
      try {
        await runConversation(sandbox, {
          llm: { model: 'openai/bench', apiKey: 'sk-bench', baseUrl: llm.url },
          initialMessage: 'run echo hello',
        });
      } finally {
        await llm.close();
      }
    });
    record(results, 'conversation_echo_to_finished', summarize(samples));
  } finally {
    await stopSandbox(stack.runtime.url, stack.apiKey, sandbox.id);
    await stack.close();
  }
}

/** The action server's figures (issue 3): `<name>` is the p50; `<name>_p95` beside it. */
async function benchSandbox(results: Results): Promise<void> {
  const p50 = (name: string, timing: Timing) => {
    results[name] = { value: timing.median, unit: 'ms' };
    results[`${name}_p95`] = { value: timing.p95, unit: 'ms' };
    console.log(
      `${name.padEnd(32)} p50    ${String(timing.median).padStart(8)} ms   p95 ${String(timing.p95).padStart(8)} ms   (n=${String(timing.samples)})`,
    );
  };
  p50('bash_rtt_ms', await benchBashRtt());
  p50('edit_rtt_ms', await benchEditRtt());
  p50('change_scan_ms_50k', await benchChangeScan());
  const upload = await benchUpload();
  results['upload_mb_per_s'] = { value: Math.round(upload.mbPerS * 10) / 10, unit: 'MB/s' };
  console.log(
    `${'upload_mb_per_s'.padEnd(32)} median ${String(results['upload_mb_per_s'].value).padStart(8)} MB/s (${String(upload.megabytes)} MB tar)`,
  );
}

/** `mirror_latency_ms` (issue 6): a file written in the sandbox → the file on local disk; p50, p95 beside it. */
async function benchMirror(results: Results): Promise<void> {
  const timing = await benchMirrorLatency();
  results['mirror_latency_ms'] = { value: timing.median, unit: 'ms' };
  results['mirror_latency_ms_p95'] = { value: timing.p95, unit: 'ms' };
  console.log(
    `${'mirror_latency_ms'.padEnd(32)} p50    ${String(timing.median).padStart(8)} ms   p95 ${String(timing.p95).padStart(8)} ms   (n=${String(timing.samples)})`,
  );
}

/**
 * `solve_overhead_s` (issue 7): issue → draft PR with the scripted model, minus model time, warm
 * pool, with Docker sandboxes (the product's isolated setup); `process_solve_overhead_s` with the
 * process provider. Each step's share beside them.
 */
async function benchSolveOverhead(results: Results): Promise<void> {
  const record = (prefix: string, solve: SolveBenchFigures, how: string) => {
    results[`${prefix}solve_overhead_s`] = { value: solve.overheadS, unit: 's', note: `median of ${String(solve.samples)} runs, warm pool, ${how}` };
    results[`${prefix}solve_wall_s`] = { value: solve.wallS, unit: 's' };
    for (const [step, percent] of Object.entries(solve.shares))
      results[`${prefix}solve_share_${step}_pct`] = { value: percent, unit: '%' };
    const shares = Object.entries(solve.shares)
      .map(([step, percent]) => `${step} ${String(percent)}%`)
      .join(', ');
    console.log(`${`${prefix}solve_overhead_s`.padEnd(32)} median ${String(solve.overheadS).padStart(8)} s    (n=${String(solve.samples)}, ${how}; ${shares})`);
  };
  record('process_', await benchSolve(), 'process provider');
  const built = await buildImage();
  if (!built.ok) {
    console.log(`solve_overhead_s with Docker skipped: ${built.message.slice(-300)}`);
    return;
  }
  record('', await benchSolve({ dockerImage: built.image }), 'Docker sandboxes');
}

async function main(): Promise<void> {
  const results: Results = {};
  // `--only=solve` / `--only=extension`: just those figures, printed (latest.json is left as it is).
  if (process.argv.includes('--only=solve')) {
    await benchSolveOverhead(results);
    return;
  }
  if (process.argv.includes('--only=extension')) {
    console.log(JSON.stringify(benchExtension(), null, 2));
    return;
  }
  await benchSandboxStart(results);
  // The issue's start figures are the docker provider's; the process provider's get a `process_` prefix.
  const processRuntime: Results = {};
  await benchRuntime(processRuntime);
  for (const [name, figure] of Object.entries(processRuntime)) results[`process_${name}`] = figure;
  await benchDocker(results);
  await benchBashRoundTrip(results);
  await benchConversation(results);
  await benchSandbox(results);
  await benchAgentServer(results);
  await benchMirror(results);
  await benchSolveOverhead(results);
  Object.assign(results, benchExtension());
  const outDir = path.join(REPO_ROOT, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.join('bench/out/latest.json')}`);
}

await main();
