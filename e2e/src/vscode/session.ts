/**
 * @module One VS Code session for a test: code-server with the extension, Chromium on its
 * workbench, and the {@link Workbench} helpers; `close()` stops both whatever happened.
 */
import { inject } from 'vitest';
import { RUNTIME_API_KEY_HEADER, SandboxListSchema, type SandboxInfo } from '@handoff/protocol';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedLlmTurn,
} from '../../../agent-server/src/testing/scripted-llm-server';
import { startRuntimeStack, type RuntimeStack } from '../stack';
import { openWorkbench, type WorkbenchBrowser } from './browser';
import {
  startCodeServer,
  type CodeServer,
  type CodeServerInstall,
  type CodeServerOptions,
} from './code-server';
import { Workbench } from './workbench';

/** code-server's install from the global setup; throws its failure reason when there is none. */
export function codeServerInstall(): CodeServerInstall {
  const result = inject('handoffCodeServer');
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** A running code-server, the browser on it and the workbench helpers. */
export interface VsCodeSession {
  readonly server: CodeServer;
  readonly browser: WorkbenchBrowser;
  readonly workbench: Workbench;
  close(): Promise<void>;
}

/** Starts code-server with `options`, opens its workspace in Chromium; screenshots go under `testName`. */
export async function startVsCode(testName: string, options: CodeServerOptions = {}): Promise<VsCodeSession> {
  const server = await startCodeServer(codeServerInstall(), options);
  let browser: WorkbenchBrowser;
  try {
    browser = await openWorkbench(server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    server,
    browser,
    workbench: new Workbench(browser.page, testName),
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/** The LLM key the agent sessions set (the scripted LLM accepts any). */
export const E2E_LLM_KEY = 'sk-vscode-e2e-llm-key-0123456789';

/** VS Code wired to a real runtime-api (process provider) and a scripted LLM. */
export interface AgentVsCodeSession extends VsCodeSession {
  readonly stack: RuntimeStack;
  readonly llm: ScriptedLlmServer;
  /** The sandboxes runtime-api runs now (GET /list with the stack's key). */
  sandboxes(): Promise<SandboxInfo[]>;
}

/** What {@link startAgentVsCode} starts with. */
export interface AgentVsCodeOptions extends CodeServerOptions {
  /** The model's turns, replayed by the scripted LLM. */
  script: readonly ScriptedLlmTurn[];
}

/**
 * Starts runtime-api, the scripted LLM and code-server pointed at both (`options.settings` over
 * the Handoff ones), then, as a user does: trusts the workspace, sets both keys and opens the
 * Handoff view. `close()` stops everything, whatever happened.
 */
export async function startAgentVsCode(
  testName: string,
  options: AgentVsCodeOptions,
): Promise<AgentVsCodeSession> {
  const { script, settings, ...rest } = options;
  const stack = await startRuntimeStack();
  const llm = await startScriptedLlmServer(script).catch(async (error: unknown) => {
    await stack.close();
    throw error;
  });
  let vscode: VsCodeSession;
  try {
    vscode = await startVsCode(testName, {
      ...rest,
      settings: {
        'handoff.runtimeApiUrl': stack.runtime.url,
        'handoff.model': 'openai-compatible/gpt-4o',
        'handoff.llmBaseUrl': llm.url,
        ...settings,
      },
    });
  } catch (error) {
    await llm.close();
    await stack.close();
    throw error;
  }
  const session: AgentVsCodeSession = {
    ...vscode,
    stack,
    llm,
    sandboxes: () => listSandboxes(stack),
    close: async () => {
      await vscode.close();
      await llm.close();
      await stack.close();
    },
  };
  try {
    await prepareHandoff(session);
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

async function prepareHandoff({ workbench, stack }: AgentVsCodeSession): Promise<void> {
  await workbench.trustWorkspace();
  await workbench.setSecret('Handoff: Set Runtime API Key', stack.apiKey);
  await workbench.waitForNotification('Runtime API key saved');
  await workbench.setSecret('Handoff: Set LLM API Key', E2E_LLM_KEY);
  await workbench.waitForNotification('LLM API key saved');
  await workbench.openHandoffView();
}

async function listSandboxes(stack: RuntimeStack): Promise<SandboxInfo[]> {
  const response = await fetch(`${stack.runtime.url}/list`, {
    headers: { [RUNTIME_API_KEY_HEADER]: stack.apiKey },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /list failed with ${String(response.status)}: ${text}`);
  return SandboxListSchema.parse(JSON.parse(text)).items;
}
