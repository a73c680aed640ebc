import { performance } from 'node:perf_hooks';
import type { LlmRequest, LlmResponse, LlmStreamHandlers } from '../llm/llm-client';
import { runScripted } from './agent-harness';
import type { ScriptedLlmStep } from './scripted-llm-client';
import { ScriptedLlmClient } from './scripted-llm-client';

/** Notes when each call starts: with a zero-latency model and sandbox, the gap between two calls is the loop's own time. */
class TimedLlmClient extends ScriptedLlmClient {
  readonly starts: number[] = [];

  override complete(
    request: LlmRequest,
    signal: AbortSignal,
    handlers?: LlmStreamHandlers,
  ): Promise<LlmResponse> {
    this.starts.push(performance.now());
    return super.complete(request, signal, handlers);
  }
}

/** Options of {@link measureLoopOverhead}. */
export interface LoopOverheadOptions {
  /** Agent steps per measured run (each one LLM call and one command). Default 50. */
  steps?: number;
  /** Measured runs; the figures are over all their steps. Default 5. */
  runs?: number;
}

/** The agent loop's own time per step. */
export interface LoopOverhead {
  /** Median milliseconds per step. */
  p50Ms: number;
  /** 95th percentile milliseconds per step. */
  p95Ms: number;
  /** Steps measured. */
  steps: number;
}

/**
 * `loop_overhead_ms`: the agent loop's time per step without LLM or command time. Runs the
 * real loop with a zero-latency {@link ScriptedLlmClient}, a {@link FakeSandboxClient} and an
 * in-memory event log; each step is one `execute_bash` call and its observation, and every
 * step builds the whole prompt, as a real one does.
 */
export async function measureLoopOverhead(options: LoopOverheadOptions = {}): Promise<LoopOverhead> {
  const steps = options.steps ?? 50;
  const runs = options.runs ?? 5;
  const script = (): ScriptedLlmStep[] => [
    ...Array.from({ length: steps - 1 }, (_, index) => ({
      text: `Step ${index}.`,
      toolCalls: [
        { name: 'execute_bash', arguments: { command: `echo step ${index}`, security_risk: 'LOW' } },
      ],
    })),
    { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
  ];
  await runScripted({ steps: script(), context: { maxIterations: steps + 1 } });
  const perStep: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const llm = new TimedLlmClient(script());
    const { result } = await runScripted({ steps: [], llm, context: { maxIterations: steps + 1 } });
    if (result.finalState !== 'finished') throw new Error(`The measured run ended in ${result.finalState}.`);
    for (let index = 1; index < llm.starts.length; index += 1)
      perStep.push((llm.starts[index] ?? 0) - (llm.starts[index - 1] ?? 0));
  }
  perStep.sort((a, b) => a - b);
  const at = (share: number): number =>
    perStep[Math.min(perStep.length - 1, Math.floor(share * perStep.length))] ?? 0;
  return { p50Ms: at(0.5), p95Ms: at(0.95), steps: perStep.length };
}
