/**
 * @module One VS Code session for a test: code-server with the extension, Chromium on its
 * workbench, and the {@link Workbench} helpers; `close()` stops both whatever happened.
 */
import { inject } from 'vitest';
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
