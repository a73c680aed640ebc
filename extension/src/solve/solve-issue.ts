/**
 * @module The solve flow, from a GitHub issue to a draft pull request: read the issue, lease a
 * sandbox, clone the repository into it (the token reaches git through a credential helper in
 * the sandbox only), let the agent work, push a `handoff/issue-<n>-<slug>` branch, open a draft
 * pull request and link it from the issue. Expected failures come back as a {@link SolveFailed}
 * with a sentence for the user and, when the agent changed anything, its diff: nothing is lost.
 * Used by the VS Code command and the `handoff solve` CLI; nothing here imports `vscode`.
 */
import type { ConversationId, SandboxInfo } from '@handoff/protocol';
import { connectToConversation } from '../agent/agent-connection';
import type { EventStream } from '../agent/agent-connection';
import { HttpRuntimeClient } from '../agent/runtime-client';
import type { RuntimeClient } from '../agent/runtime-client';
import type { Logger } from '../common/logger';
import { GitHubClient } from './github-client';
import { HttpSolveAgentClient } from './solve-agent-client';
import type { SolveAgentClient } from './solve-agent-client';
import { SolveRun } from './solve-run';
import type { SolveOutcome, SolveRequest } from './solve-types';

/** The seams of the solve flow. */
export interface SolveDependencies {
  github: GitHubClient;
  /** The token `github` uses; git in the sandbox gets it, and it is masked everywhere. */
  githubToken: string;
  runtime: RuntimeClient;
  createAgent(sandbox: SandboxInfo): SolveAgentClient;
  createEventStream(sandbox: SandboxInfo, conversationId: ConversationId): EventStream;
  logger: Logger;
  /** A clock in milliseconds for the step timings; `performance.now` by default. */
  now?: () => number;
}

/** Where the real dependencies connect. */
export interface SolveConnectionOptions {
  githubToken: string;
  /** GitHub's API root; `https://api.github.com` when absent (Enterprise: `https://host/api/v3`). */
  githubApiUrl?: string;
  runtimeApiUrl: string;
  runtimeApiKey: string;
  logger: Logger;
}

/** The real clients: octokit, runtime-api over HTTP, the sandbox's agent server over HTTP and WebSocket. */
export function createSolveDependencies(options: SolveConnectionOptions): SolveDependencies {
  const { logger } = options;
  return {
    github: new GitHubClient({
      auth: options.githubToken,
      ...(options.githubApiUrl === undefined ? {} : { baseUrl: options.githubApiUrl }),
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message) => {
          logger.warn(`GitHub: ${message}`);
        },
        error: () => undefined,
      },
    }),
    githubToken: options.githubToken,
    runtime: new HttpRuntimeClient({ baseUrl: options.runtimeApiUrl, apiKey: options.runtimeApiKey }),
    createAgent: (sandbox) =>
      new HttpSolveAgentClient({ baseUrl: sandbox.agentServerUrl, sessionApiKey: sandbox.sessionApiKey }),
    createEventStream: (sandbox, conversationId) => connectToConversation(sandbox, conversationId, logger),
    logger,
  };
}

/** Solves one issue; resolves with the outcome and throws only on a bug. */
export async function solveIssue(request: SolveRequest, deps: SolveDependencies): Promise<SolveOutcome> {
  return new SolveRun(request, deps).execute();
}
