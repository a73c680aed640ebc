/**
 * @module The solve flow's inputs, progress reports and outcome: what the VS Code command and the
 * `handoff solve` CLI pass to {@link solveIssue} and read back. Nothing here imports `vscode`.
 */
import type { ConversationId, GitChangedFile, LlmConfig, SandboxId, SandboxInfo } from '@handoff/protocol';

/**
 * The sandbox label that marks a solve's sandbox (value `owner/repo#n`). Its workspace is a clone
 * of the GitHub repository, not the local folder, so the edit mirror never follows it.
 */
export const SOLVE_SANDBOX_LABEL = 'solve';

/** The steps of one solve, in order. */
export const SOLVE_STEPS = ['github', 'sandbox', 'clone', 'agent', 'push', 'pull_request'] as const;
/** A step of the solve flow. */
export type SolveStep = (typeof SOLVE_STEPS)[number];

/** What each step is called in progress messages. */
export const SOLVE_STEP_TITLES: Readonly<Record<SolveStep, string>> = {
  github: 'Reading the issue',
  sandbox: 'Starting a sandbox',
  clone: 'Cloning the repository',
  agent: 'Agent working',
  push: 'Pushing the branch',
  pull_request: 'Opening the draft pull request',
};

/** Which issue to solve. */
export interface IssueTarget {
  owner: string;
  repo: string;
  number: number;
}

/** One progress report; the flow sends one when a step starts and while the agent works. */
export interface SolveProgress {
  step: SolveStep;
  /** A sentence for the user, e.g. "Agent working: step 4, $0.02". */
  message: string;
  /** Agent steps so far (during and after `agent`). */
  agentSteps?: number;
  /** Model cost so far in dollars (during and after `agent`). */
  costUsd?: number;
  /** The sandbox, once started (the chat can open its conversation). */
  sandbox?: SandboxInfo;
  /** The conversation, once created. */
  conversationId?: ConversationId;
}

/** How the solve flow is asked to run. */
export interface SolveRequest {
  target: IssueTarget;
  /** The model (and its key) for the agent. */
  llm: LlmConfig;
  /** Dollars the agent may spend. */
  maxBudgetUsd?: number;
  /** Steps the agent may take (default: the agent server's). */
  maxIterations?: number;
  /** Aborting it cancels the solve: the agent stops, the diff is kept, no PR. */
  signal?: AbortSignal;
  /** Called for each progress report. */
  onProgress?: (progress: SolveProgress) => void;
  /**
   * Whether the sandbox is stopped at the end: `always`, or only `on_success` (a failed solve
   * keeps it, so its conversation can still be opened; runtime-api pauses and reaps it when idle).
   * Default `always`.
   */
  releaseSandbox?: 'always' | 'on_success';
  /**
   * Publishes the work of an earlier solve instead of solving again: its kept sandbox and its
   * finished conversation (after a push or pull request failed, e.g. the token got write access
   * since). The agent does not run again. Without `conversationId`, the sandbox's newest one.
   */
  resume?: { sandboxId: SandboxId; conversationId?: ConversationId };
}

/** Wall time of each step that ran, in milliseconds. */
export type SolveTimings = Partial<Record<SolveStep, number>>;

/** The agent's work as a patch against the clone's base commit. */
export interface SolveDiff {
  /** `git apply`-able patch (binary included). */
  patch: string;
  /** True when it was cut at the agent server's cap. */
  truncated: boolean;
  files: GitChangedFile[];
  /** The commit the patch applies to. */
  baseCommit: string;
  /** The branch the clone checked out (the default branch). */
  baseBranch: string;
}

/** What both outcomes carry. */
interface SolveOutcomeBase {
  target: IssueTarget;
  /** Agent steps taken. */
  agentSteps: number;
  /** Model cost in dollars. */
  costUsd: number;
  /** Time spent waiting for the model, in milliseconds (part of the `agent` step). */
  modelMs: number;
  timings: SolveTimings;
  sandbox?: SandboxInfo;
  conversationId?: ConversationId;
  /** Whether the sandbox still runs (the failed solve kept it). */
  sandboxKept: boolean;
  /** Things the user should know that did not stop the solve (e.g. the branch name was taken). */
  notices: string[];
}

/** The draft pull request was opened. */
export interface SolveOpened extends SolveOutcomeBase {
  status: 'opened';
  pullRequest: { number: number; htmlUrl: string; draft: boolean };
  /** The branch pushed (`handoff/issue-<n>-<slug>`, with `-2`… when that was taken). */
  branch: string;
  commit: string;
  files: GitChangedFile[];
  /** The comment on the issue that links the pull request; absent when commenting failed (see notices). */
  issueCommentUrl?: string;
}

/** Why a solve ended without a pull request. */
export type SolveFailureKind =
  | 'cancelled'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'agent_failed'
  | 'no_changes'
  | 'push_failed'
  | 'pull_request_failed'
  | 'failed';

/** No pull request: the reason, and the agent's diff when it made one. */
export interface SolveFailed extends SolveOutcomeBase {
  status: 'failed';
  kind: SolveFailureKind;
  /** The step that failed. */
  step: SolveStep;
  /** A sentence for the user: what happened and what to do. */
  message: string;
  /** The agent's changes, when there were any; nothing is lost. */
  diff?: SolveDiff;
  /** The branch, when it was pushed but the pull request failed. */
  branch?: string;
}

/** How a solve ended. */
export type SolveOutcome = SolveOpened | SolveFailed;
