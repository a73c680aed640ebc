import { test } from 'vitest';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedLlmTurn,
} from '../../../agent-server/src/testing/scripted-llm-server';
import { startBridgeRelay } from './bridge-relay';
import { startSandboxContainer, type SandboxContainer } from './sandbox-container';
import { injectedImage } from './provided';

/** The scripted LLM server, with the base URL a container reaches it by. */
export interface ContainerLlm {
  readonly server: ScriptedLlmServer;
  /** The OpenAI base URL (`…/v1`) to give the agent server inside the container. */
  readonly baseUrl: string;
}

interface SandboxFixtures {
  /** The sandbox image the global setup built (fails the test with its reason when there is none). */
  image: string;
  /** A running container of the image, removed after the test whatever happens. */
  sandbox: SandboxContainer;
  /** Starts a scripted LLM server `sandbox` can reach; closed after the test. */
  startLlm: (script: readonly ScriptedLlmTurn[]) => Promise<ContainerLlm>;
}

/** `test` with a real sandbox container per test and guaranteed cleanup (house style §6). */
export const sandboxTest = test.extend<SandboxFixtures>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  image: async ({}, use) => {
    await use(injectedImage());
  },
  sandbox: async ({ image }, use) => {
    const container = await startSandboxContainer(image);
    try {
      await use(container);
    } finally {
      await container.remove();
    }
  },
  startLlm: async ({ sandbox }, use) => {
    const closers: (() => Promise<void>)[] = [];
    try {
      await use(async (script) => {
        const server = await startScriptedLlmServer(script);
        closers.push(() => server.close());
        const relay = await startBridgeRelay(sandbox.id, Number(new URL(server.url).port));
        closers.push(() => relay.close());
        return { server, baseUrl: `${relay.url}/v1` };
      });
    } finally {
      for (const close of closers.reverse()) await close();
    }
  },
});
