/** How reconnect delays grow. */
export interface BackoffOptions {
  /** The first delay, in milliseconds. */
  initialMs: number;
  /** The cap, in milliseconds. */
  maxMs: number;
}

/** 0.5 s, doubling, capped at 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * The delay before reconnect attempt `attempt` (0-based): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that many windows do not reconnect in lockstep.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
