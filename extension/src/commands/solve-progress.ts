/**
 * @module Runs one solve in the background: checks the settings first (so a bad one fails before a
 * sandbox starts), then shows a cancellable progress notification naming the issue, relays each
 * progress report to it and to the Solves list, and hands the outcome to the notifications.
 */
import * as vscode from 'vscode';
import type { LlmConfig } from '@handoff/protocol';
import { buildCreateConversationRequest } from '../agent/conversation-request';
import { NotConfiguredError } from '../agent/errors';
import type { Logger } from '../common/logger';
import { readHandoffSettings } from '../common/settings';
import type { GitHubHost } from '../solve/local-github-host';
import { issueLabel } from '../solve/local-solve-list';
import type { SolveEntry, SolveList } from '../solve/local-solve-list';
import { createSolveDependencies, solveIssue } from '../solve/solve-issue';
import type { IssueTarget, SolveFailed, SolveOutcome, SolveProgress, SolveRequest } from '../solve/solve-types';

/** The solve to start. */
export interface SolveStart {
  target: IssueTarget;
  issueTitle: string;
  host: GitHubHost;
  /** The signed-in user's GitHub token; it goes to the solve flow only. */
  token: string;
  /** Publish an earlier solve's kept work instead of solving again. */
  resume?: SolveRequest['resume'];
}

/** What a running solve reports to. */
export interface SolveRunContext {
  list: SolveList;
  secrets: vscode.SecretStorage;
  logger: Logger;
  /** Tells the user how a solve ended. */
  showOutcome(entry: SolveEntry): void;
}

/** The model and the runtime, read from the settings and checked. */
interface PreparedRun {
  llm: LlmConfig;
  maxIterations: number | undefined;
  maxBudgetUsd: number | undefined;
  runtimeApiUrl: string;
  runtimeApiKey: string;
}

const MISSING_RUNTIME_KEY =
  'No runtime API key is set. Run "Handoff: Set Runtime API Key" from the Command Palette, then solve the issue again.';

/**
 * The chat's settings (model, endpoint, LLM key, steps, runtime API and its key), with
 * `handoff.solve.maxBudgetUsd` over `handoff.maxBudgetUsd`. Throws a `HandoffError` naming the
 * setting to fix.
 */
async function prepareRun(secrets: vscode.SecretStorage): Promise<PreparedRun> {
  const config = await readHandoffSettings(secrets);
  if (!config.runtimeApiKey) throw new NotConfiguredError(MISSING_RUNTIME_KEY);
  const solveBudget = vscode.workspace.getConfiguration('handoff.solve').get<number | null>('maxBudgetUsd');
  // The same checks as a chat conversation's; a solve runs unattended, so nothing waits for confirmation.
  const checked = buildCreateConversationRequest(
    {
      llm: config.llm,
      maxIterations: config.maxIterations,
      maxBudgetUsd: solveBudget ?? config.maxBudgetUsd,
      confirmationPolicy: 'never',
    },
    'Solve a GitHub issue.',
  );
  return {
    llm: checked.llm,
    maxIterations: checked.maxIterations,
    maxBudgetUsd: checked.maxBudgetUsd,
    runtimeApiUrl: config.runtimeApiUrl,
    runtimeApiKey: config.runtimeApiKey,
  };
}

/**
 * Starts a solve and returns its entry at once; the solve runs on in the background. Throws (before
 * anything starts) when the settings are not usable.
 */
export async function startSolve(context: SolveRunContext, start: SolveStart): Promise<SolveEntry> {
  const prepared = await prepareRun(context.secrets);
  const { entry, signal } = context.list.start({
    target: start.target,
    issueTitle: start.issueTitle,
    webUrl: start.host.webUrl,
  });
  context.logger.info(`Solving ${issueLabel(start.target)} on ${start.host.label}.`);
  void runWithProgress(context, { entry, signal, prepared, start });
  return entry;
}

interface Run {
  entry: SolveEntry;
  signal: AbortSignal;
  prepared: PreparedRun;
  start: SolveStart;
}

async function runWithProgress(context: SolveRunContext, run: Run): Promise<void> {
  const { entry, start } = run;
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Handoff: solving ${issueLabel(start.target)} "${start.issueTitle}"`,
      cancellable: true,
    },
    async (progress, token) => {
      const subscriptions = [
        token.onCancellationRequested(() => context.list.cancel(entry.id)),
        context.list.onDidChange((changed) => {
          if (changed.id === entry.id && changed.cancelling) progress.report({ message: 'cancelling…' });
        }),
      ];
      let lastStep: SolveProgress['step'] | undefined;
      const onProgress = (report: SolveProgress): void => {
        if (report.step !== lastStep) context.logger.info(`${issueLabel(start.target)}: ${report.message}`);
        lastStep = report.step;
        context.list.report(entry.id, report);
        progress.report({ message: report.message });
      };
      try {
        return await execute(context, run, onProgress);
      } finally {
        for (const subscription of subscriptions) subscription.dispose();
      }
    },
  );
  const done = context.list.finish(entry.id, outcome);
  if (outcome.status === 'opened')
    context.logger.info(`${issueLabel(start.target)}: draft pull request ${outcome.pullRequest.htmlUrl}`);
  else
    context.logger.warn(`${issueLabel(start.target)}: no pull request (${outcome.kind}): ${outcome.message}`);
  if (done) context.showOutcome(done);
}

async function execute(
  context: SolveRunContext,
  run: Run,
  onProgress: (report: SolveProgress) => void,
): Promise<SolveOutcome> {
  const { prepared, start } = run;
  try {
    const deps = createSolveDependencies({
      githubToken: start.token,
      ...(start.host.apiUrl === undefined ? {} : { githubApiUrl: start.host.apiUrl }),
      runtimeApiUrl: prepared.runtimeApiUrl,
      runtimeApiKey: prepared.runtimeApiKey,
      logger: context.logger,
    });
    return await solveIssue(
      {
        target: start.target,
        llm: prepared.llm,
        ...(prepared.maxIterations === undefined ? {} : { maxIterations: prepared.maxIterations }),
        ...(prepared.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: prepared.maxBudgetUsd }),
        signal: run.signal,
        onProgress,
        // A failed solve keeps its sandbox, so its conversation can still be opened.
        releaseSandbox: 'on_success',
        ...(start.resume === undefined ? {} : { resume: start.resume }),
      },
      deps,
    );
  } catch (error) {
    // The flow returns expected failures; anything thrown is a bug, reported as a failure all the same.
    const reason = error instanceof Error ? error.message : String(error);
    context.logger.error(`${issueLabel(start.target)}: the solve stopped on an unexpected error: ${reason}`);
    return unexpectedFailure(run, reason, context.list.get(run.entry.id) ?? run.entry);
  }
}

function unexpectedFailure(run: Run, reason: string, latest: SolveEntry): SolveFailed {
  return {
    status: 'failed',
    kind: 'failed',
    step: latest.progress?.step ?? 'github',
    message: `The solve stopped on an unexpected error (${reason}). See "Handoff: Open Logs".`,
    target: run.start.target,
    agentSteps: latest.progress?.agentSteps ?? 0,
    costUsd: latest.progress?.costUsd ?? 0,
    modelMs: 0,
    timings: {},
    sandboxKept: false,
    notices: [],
  };
}
