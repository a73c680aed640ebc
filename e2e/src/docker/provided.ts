/**
 * @module What the docker project's global setup provides, or the test fails with the setup's
 * reason (no engine, a failed image build, no second engine).
 */
import { inject } from 'vitest';

/** The sandbox image's tag. */
export function injectedImage(): string {
  const result = inject('handoffSandboxImage');
  if (!result.ok) throw new Error(result.message);
  return result.image;
}

/** The second engine's Docker host. */
export function injectedSecondEngine(): string {
  const result = inject('handoffSecondEngine');
  if (!result.ok) throw new Error(result.message);
  return result.host;
}
