import { measureLoopOverhead } from '../../agent-server/src/testing/measure-loop-overhead';
import {
  measureIdleRss,
  measureReplay,
  measureWsThroughput,
} from '../../agent-server/src/testing/stream-bench';
import { BUNDLES } from '../../e2e/src/services';
import { round } from './stats';

/** `bench/out/latest.json` entries. */
type Results = Record<string, { value: number; unit: string }>;

function put(results: Results, name: string, value: number, unit: string, detail = ''): void {
  results[name] = { value: round(value), unit };
  console.log(
    `${name.padEnd(32)} ${String(round(value)).padStart(10)} ${unit}${detail ? `   ${detail}` : ''}`,
  );
}

/** The agent server's figures (issue 4). Replay and throughput: median of three runs. */
export async function benchAgentServer(results: Results): Promise<void> {
  const loop = await measureLoopOverhead();
  put(
    results,
    'loop_overhead_ms',
    loop.p50Ms,
    'ms',
    `p95 ${String(round(loop.p95Ms))} ms over ${String(loop.steps)} steps`,
  );
  const throughput: number[] = [];
  const replay: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    throughput.push((await measureWsThroughput()).eventsPerSecond);
    replay.push((await measureReplay(10_000)).ms);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? Number.NaN;
  put(
    results,
    'ws_events_per_s',
    median(throughput),
    'events/s',
    `runs ${throughput.map((v) => String(Math.round(v))).join(', ')}`,
  );
  put(
    results,
    'replay_10k_ms',
    median(replay),
    'ms',
    `runs ${replay.map((v) => String(round(v))).join(', ')}`,
  );
  put(results, 'agent_server_idle_rss_mb', (await measureIdleRss(BUNDLES.agentServer)).rssMb, 'MB');
}
