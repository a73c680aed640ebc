import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLES, startService, type RunningService } from './services';

/** runtime-api with the process provider, in its own temporary sandbox root. */
export interface RuntimeStack {
  readonly runtime: RunningService;
  readonly apiKey: string;
  readonly sandboxRoot: string;
  close(): Promise<void>;
}

/** Starts runtime-api from its bundle on a free loopback port with a fresh key. */
export async function startRuntimeStack(extraEnv: Record<string, string> = {}): Promise<RuntimeStack> {
  const apiKey = randomBytes(24).toString('base64url');
  const sandboxRoot = mkdtempSync(path.join(tmpdir(), 'handoff-e2e-'));
  const runtime = await startService(BUNDLES.runtimeApi, {
    HANDOFF_RUNTIME_API_KEY: apiKey,
    HANDOFF_RUNTIME_PORT: '0',
    HANDOFF_PROVIDER: 'process',
    HANDOFF_SANDBOX_ROOT: sandboxRoot,
    HANDOFF_ACTION_SERVER_ENTRY: BUNDLES.actionServer,
    HANDOFF_AGENT_SERVER_ENTRY: BUNDLES.agentServer,
    ...extraEnv,
  });
  return {
    runtime,
    apiKey,
    sandboxRoot,
    close: async () => {
      await runtime.stop();
      rmSync(sandboxRoot, { recursive: true, force: true });
    },
  };
}
