import type { AgentRunner } from '../agent/agent-context';

/** The message that makes {@link floodRunner} append `count` events of `bytes` text each. */
export function floodMessage(count: number, bytes = 64): string {
  return `flood ${count} ${bytes}`;
}

const FLOOD = /^flood (\d+) (\d+)$/;

/**
 * An agent loop stand-in for stream tests and benchmarks: for a last user message
 * `flood <count> <bytes>` it appends that many agent messages as fast as the log takes them
 * (all in flight at once, so the log group-commits them), then returns without a state change.
 * Any other message is answered with nothing.
 */
export const floodRunner: AgentRunner = async (ctx) => {
  const events = ctx.events.all();
  const last = events[events.length - 1];
  const match = last?.type === 'message' && last.source === 'user' ? FLOOD.exec(last.text) : null;
  const count = Number(match?.[1] ?? 0);
  const text = 'x'.repeat(Number(match?.[2] ?? 0));
  const appends: Promise<unknown>[] = [];
  for (let index = 0; index < count; index += 1)
    appends.push(ctx.events.append({ type: 'message', source: 'agent', text }));
  await Promise.all(appends);
  return { finalState: 'idle', resumeAfterSeq: Number.POSITIVE_INFINITY };
};
