import { SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { ExecuteActionRequest } from '@handoff/protocol';
import { startActionServer } from '../action-server';
import { RecordingLogger } from './recording-logger';
import { newSessionKey } from './session-key';
import { createTempWorkspace } from './temp-workspace';

/** A real action server on a free port, in this process, with its own temp workspace. */
export interface TestServer {
  url: string;
  sessionApiKey: string;
  workspace: string;
  logger: RecordingLogger;
  /** POSTs `/execute_action` with the session key. */
  executeAction(request: ExecuteActionRequest): Promise<Response>;
  /** Stops the server and removes the workspace. */
  close(): Promise<void>;
}

/** Starts the real server on 127.0.0.1:0 (SWE-ReX `conftest.py` style). */
export async function startTestServer(options: { env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const workspace = await createTempWorkspace();
  const sessionApiKey = newSessionKey();
  const logger = new RecordingLogger();
  const server = await startActionServer({
    sessionApiKey,
    workspace: workspace.path,
    host: '127.0.0.1',
    port: 0,
    logger,
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    url: server.url,
    sessionApiKey,
    workspace: workspace.path,
    logger,
    executeAction: (request) =>
      fetch(`${server.url}/execute_action`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: sessionApiKey },
        body: JSON.stringify(request),
      }),
    close: async () => {
      await server.close();
      await workspace.dispose();
    },
  };
}
