/**
 * @module One solve, step by step (see `solve-issue.ts`). Each step is a named method; an
 * expected failure is a {@link SolveStop} that {@link SolveRun.execute} turns into the outcome,
 * with the agent's diff read back first so nothing is lost.
 */
import type { ConversationId, GitChangesResponse, GitIdentity, SandboxId, SandboxInfo } from '@handoff/protocol';
import { ApiError } from '../agent/errors';
import { GitHubApiError } from './github-client';
import type { GitHubIssue, GitHubRepository } from './github-client';
import type { SolveAgentClient } from './solve-agent-client';
import { watchAgent, workFromEvents } from './solve-agent-watch';
import type { AgentWork } from './solve-agent-watch';
import type { SolveDependencies } from './solve-issue';
import { branchName, buildPullRequestBody, buildTask, redact } from './solve-task';
import { SOLVE_SANDBOX_LABEL, SOLVE_STEP_TITLES } from './solve-types';
import type {
  SolveDiff,
  SolveFailed,
  SolveFailureKind,
  SolveOpened,
  SolveOutcome,
  SolveRequest,
  SolveStep,
  SolveTimings,
} from './solve-types';

/** An expected failure of a step, with what to tell the user. */
export class SolveStop extends Error {
  override readonly name = 'SolveStop';
  constructor(
    readonly kind: SolveFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** How many names `handoff/issue-<n>-<slug>`, `-2`, … `-9` are tried when one is taken. */
const BRANCH_ATTEMPTS = 9;

interface IssueContext {
  repo: GitHubRepository;
  issue: GitHubIssue;
  author: GitIdentity;
}

/** The state of one solve. */
export class SolveRun {
  private step: SolveStep = 'github';
  private readonly timings: SolveTimings = {};
  private readonly notices: string[] = [];
  private sandbox: SandboxInfo | undefined;
  private agent: SolveAgentClient | undefined;
  private conversationId: ConversationId | undefined;
  private cloned = false;
  private pushedBranch: string | undefined;
  /** The agent's changes, once read after it finished (a later failure keeps them as they were then). */
  private changes: GitChangesResponse | undefined;
  private work: AgentWork = { steps: 0, costUsd: 0, modelMs: 0, commands: [], summary: undefined };
  private readonly now: () => number;

  constructor(
    private readonly request: SolveRequest,
    private readonly deps: SolveDependencies,
  ) {
    this.now = deps.now ?? (() => performance.now());
  }

  async execute(): Promise<SolveOutcome> {
    let outcome: SolveOutcome;
    try {
      outcome = await this.solve();
    } catch (error) {
      outcome = await this.failure(error);
    }
    return this.release(outcome);
  }

  private async solve(): Promise<SolveOpened> {
    const context = await this.timed('github', () => this.readIssue());
    const { resume } = this.request;
    let agent: SolveAgentClient;
    if (resume === undefined) {
      this.sandbox = await this.timed('sandbox', () => this.startSandbox());
      agent = this.deps.createAgent(this.sandbox);
      this.agent = agent;
      const agentsMd = await this.timed('clone', () => this.clone(agent, context.repo));
      await this.timed('agent', () => this.runAgent(agent, context, agentsMd));
    } else {
      this.sandbox = await this.timed('sandbox', () => this.reopenSandbox(resume.sandboxId));
      agent = this.deps.createAgent(this.sandbox);
      this.agent = agent;
      this.cloned = true;
      await this.timed('agent', () => this.readFinishedWork(agent, resume.conversationId));
    }
    const changes = await agent.changes();
    this.changes = changes;
    if (changes.files.length === 0)
      throw new SolveStop('no_changes', `The agent finished without changing any file, so there is nothing to push.${this.summaryHint()}`);
    this.checkCancelled();
    const pushed = await this.timed('push', () => this.push(agent, context));
    return this.timed('pull_request', () => this.openPullRequest(context, pushed, changes));
  }

  private async readIssue(): Promise<IssueContext> {
    const { owner, repo: name, number } = this.request.target;
    const { github } = this.deps;
    const [repo, issue, me] = await Promise.all([
      github.repo(owner, name),
      github.issue(owner, name, number),
      github.me(),
    ]);
    if (!repo.canPush)
      throw new SolveStop(
        'forbidden',
        `Your GitHub account (${me.login}) cannot push to ${owner}/${name}, so Handoff could not open a pull request from a branch. Ask for write access to the repository, or sign in with an account that has it.`,
      );
    if (issue.state !== 'open') this.notices.push(`Issue #${String(number)} is ${issue.state}; solving it anyway.`);
    const author = { name: me.name ?? me.login, email: github.noreplyEmail(me) };
    return { repo, issue, author };
  }

  private async startSandbox(): Promise<SandboxInfo> {
    const { owner, repo, number } = this.request.target;
    return this.deps.runtime.start({ labels: { [SOLVE_SANDBOX_LABEL]: `${owner}/${repo}#${String(number)}` } });
  }

  /** The kept sandbox of an earlier solve, resumed when paused. */
  private async reopenSandbox(sandboxId: SandboxId): Promise<SandboxInfo> {
    const found = await this.deps.runtime.get(sandboxId);
    if (found === undefined)
      throw new SolveStop('failed', `The sandbox of the earlier solve (${sandboxId}) is gone, so its work cannot be pushed from there: apply its saved changes locally, or solve the issue again.`);
    return found.status === 'running' ? found : this.deps.runtime.resume(sandboxId);
  }

  /** What the agent of an earlier solve did, from its conversation, which must have finished. */
  private async readFinishedWork(agent: SolveAgentClient, given: ConversationId | undefined): Promise<void> {
    const info = given === undefined ? (await agent.conversations())[0] : await agent.conversation(given);
    if (info === undefined) throw new SolveStop('failed', 'The sandbox of the earlier solve has no conversation to publish. Solve the issue again.');
    const conversationId = info.id;
    this.conversationId = conversationId;
    if (info.state !== 'finished')
      throw new SolveStop('agent_failed', `The earlier solve's agent did not finish (it is ${info.state}), so there is nothing to publish. Solve the issue again.`);
    this.work = workFromEvents(await agent.events(conversationId));
    this.report('agent', `${SOLVE_STEP_TITLES.agent}: step ${String(this.work.steps)}, ${dollars(this.work.costUsd)} (earlier)`);
  }

  /** Clones the default branch; returns the repository's AGENTS.md, if any. */
  private async clone(agent: SolveAgentClient, repo: GitHubRepository): Promise<string | undefined> {
    await agent.clone({ url: repo.cloneUrl, branch: repo.defaultBranch, auth: { token: this.deps.githubToken } });
    this.cloned = true;
    return agent.readFile('AGENTS.md');
  }

  private async runAgent(agent: SolveAgentClient, context: IssueContext, agentsMd: string | undefined): Promise<void> {
    const { owner, repo } = this.request.target;
    const { issue } = context;
    const secrets = [this.deps.githubToken];
    const conversation = await agent.createConversation({
      llm: this.request.llm,
      initialMessage: buildTask({
        repo: { owner, repo, defaultBranch: context.repo.defaultBranch },
        issue: { number: issue.number, title: issue.title, body: issue.body, htmlUrl: issue.htmlUrl, user: issue.user },
        comments: issue.comments,
        ...(agentsMd === undefined ? {} : { agentsMd }),
        secrets,
      }),
      confirmationPolicy: { type: 'never' },
      workspace: { repository: `${owner}/${repo}`, branch: context.repo.defaultBranch },
      title: redact(`#${String(issue.number)} ${issue.title}`, secrets).slice(0, 200),
      ...(this.request.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: this.request.maxBudgetUsd }),
      ...(this.request.maxIterations === undefined ? {} : { maxIterations: this.request.maxIterations }),
    });
    this.conversationId = conversation.id;
    const sandbox = this.sandbox;
    if (sandbox === undefined) throw new Error('the sandbox is not started');
    const stream = this.deps.createEventStream(sandbox, conversation.id);
    try {
      const watch = watchAgent({
        agent,
        stream,
        conversationId: conversation.id,
        signal: this.request.signal,
        onProgress: (work) => {
          this.report('agent', `${SOLVE_STEP_TITLES.agent}: step ${String(work.steps)}, ${dollars(work.costUsd)}`);
        },
      });
      this.work = watch.work;
      const end = await watch.done;
      if (end.kind === 'cancelled') throw new SolveStop('cancelled', 'The solve was cancelled; no pull request was opened.');
      if (end.kind === 'failed') throw new SolveStop('agent_failed', `${end.message} No pull request was opened.`);
    } finally {
      stream.dispose();
    }
  }

  /** Pushes the next free branch name; returns it with the commit. */
  private async push(agent: SolveAgentClient, context: IssueContext): Promise<{ branch: string; commit: string }> {
    const { issue } = context;
    const base = branchName(issue.number, issue.title);
    const message = this.commitMessage(context);
    for (let attempt = 1; attempt <= BRANCH_ATTEMPTS; attempt += 1) {
      const branch = attempt === 1 ? base : `${base}-${String(attempt)}`;
      try {
        const pushed = await agent.push({ branch, message, author: context.author, auth: { token: this.deps.githubToken } });
        this.pushedBranch = pushed.branch;
        if (attempt > 1)
          this.notices.push(`Branch ${base} already exists on GitHub, so the changes were pushed to ${branch}.`);
        return { branch: pushed.branch, commit: pushed.commit };
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'branch_exists')) throw error;
      }
    }
    throw new SolveStop(
      'push_failed',
      `Branches ${base} to ${base}-${String(BRANCH_ATTEMPTS)} all exist on GitHub already; delete some of them and solve again.`,
    );
  }

  private async openPullRequest(
    context: IssueContext,
    pushed: { branch: string; commit: string },
    changes: GitChangesResponse,
  ): Promise<SolveOpened> {
    const { owner, repo, number } = this.request.target;
    const secrets = [this.deps.githubToken];
    const body = buildPullRequestBody({
      issueNumber: number,
      summary: this.work.summary ?? '',
      filesChanged: changes.files.map((file) => file.path),
      commands: this.work.commands,
      costUsd: this.work.costUsd,
      secrets,
    });
    const title = redact(`Fix #${String(number)}: ${context.issue.title}`, secrets).slice(0, 256);
    const base = context.repo.defaultBranch;
    let pullRequest;
    try {
      pullRequest = await this.deps.github.createDraftPullRequest({ owner, repo, head: pushed.branch, base, title, body });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new SolveStop(
        'pull_request_failed',
        `The changes were pushed to branch ${pushed.branch}, but the pull request could not be opened: ${why} Open it yourself: ${context.repo.htmlUrl}/compare/${base}...${pushed.branch}`,
      );
    }
    const issueCommentUrl = await this.commentOnIssue(pullRequest);
    return {
      ...this.common(),
      status: 'opened',
      pullRequest: { number: pullRequest.number, htmlUrl: pullRequest.htmlUrl, draft: pullRequest.draft },
      branch: pushed.branch,
      commit: pushed.commit,
      files: changes.files,
      ...(issueCommentUrl === undefined ? {} : { issueCommentUrl }),
    };
  }

  private async commentOnIssue(pullRequest: { number: number; htmlUrl: string }): Promise<string | undefined> {
    const { owner, repo, number } = this.request.target;
    const text = `Handoff opened a draft pull request for this issue: #${String(pullRequest.number)}\n\n${pullRequest.htmlUrl}`;
    try {
      return (await this.deps.github.comment(owner, repo, number, text)).htmlUrl;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.notices.push(`The pull request is open, but the comment on issue #${String(number)} failed: ${why}`);
      return undefined;
    }
  }

  private commitMessage(context: IssueContext): string {
    const { number } = this.request.target;
    const subject = `Fix #${String(number)}: ${context.issue.title.replace(/\s+/g, ' ').trim()}`.slice(0, 72);
    const summary = (this.work.summary ?? '').trim().slice(0, 4000);
    const text = [subject, '', ...(summary === '' ? [] : [summary, '']), `Fixes #${String(number)}`].join('\n');
    return redact(text, [this.deps.githubToken]);
  }

  private async timed<T>(step: SolveStep, run: () => Promise<T>): Promise<T> {
    this.checkCancelled();
    this.step = step;
    this.report(step, SOLVE_STEP_TITLES[step]);
    const start = this.now();
    try {
      return await run();
    } finally {
      this.timings[step] = this.now() - start;
    }
  }

  private checkCancelled(): void {
    if (this.request.signal?.aborted === true)
      throw new SolveStop('cancelled', 'The solve was cancelled; no pull request was opened.');
  }

  private report(step: SolveStep, message: string): void {
    this.request.onProgress?.({
      step,
      message,
      ...(this.step === 'agent' || this.work.steps > 0 ? { agentSteps: this.work.steps, costUsd: this.work.costUsd } : {}),
      ...(this.sandbox === undefined ? {} : { sandbox: this.sandbox }),
      ...(this.conversationId === undefined ? {} : { conversationId: this.conversationId }),
    });
  }

  private summaryHint(): string {
    const summary = this.work.summary?.trim();
    return summary ? ` The agent said: "${redact(summary, [this.deps.githubToken]).slice(0, 500)}"` : '';
  }

  private async failure(error: unknown): Promise<SolveFailed> {
    const classified = classify(error, this.step, this.request.target);
    const message = redact(classified.message, [this.deps.githubToken]);
    const { kind } = classified;
    this.deps.logger.warn(`Solve of ${targetName(this.request.target)} failed at ${this.step}: ${message}`);
    const diff = await this.readDiff();
    const kept = diff === undefined ? '' : ` The agent's changes (${String(diff.files.length)} file(s)) are kept.`;
    return {
      ...this.common(),
      status: 'failed',
      kind,
      step: this.step,
      message: `${message}${kept}`,
      ...(diff === undefined ? {} : { diff }),
      ...(this.pushedBranch === undefined ? {} : { branch: this.pushedBranch }),
    };
  }

  private async readDiff(): Promise<SolveDiff | undefined> {
    if (this.agent === undefined || !this.cloned) return undefined;
    try {
      const changes = this.changes ?? (await this.agent.changes());
      if (changes.files.length === 0) return undefined;
      return {
        patch: changes.patch,
        truncated: changes.truncated,
        files: changes.files,
        baseCommit: changes.baseCommit,
        baseBranch: changes.branch,
      };
    } catch (error) {
      this.deps.logger.warn(`Could not read the agent's changes: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private common() {
    return {
      target: this.request.target,
      agentSteps: this.work.steps,
      costUsd: this.work.costUsd,
      modelMs: this.work.modelMs,
      timings: this.timings,
      ...(this.sandbox === undefined ? {} : { sandbox: this.sandbox }),
      ...(this.conversationId === undefined ? {} : { conversationId: this.conversationId }),
      sandboxKept: false,
      notices: this.notices,
    };
  }

  /** Stops the sandbox unless a failed solve keeps it; records which. */
  private async release(outcome: SolveOutcome): Promise<SolveOutcome> {
    const sandbox = this.sandbox;
    if (sandbox === undefined) return outcome;
    const keep = outcome.status === 'failed' && this.request.releaseSandbox === 'on_success';
    if (keep) return { ...outcome, sandboxKept: true };
    try {
      await this.deps.runtime.stop(sandbox.id);
    } catch (error) {
      this.deps.logger.warn(`Could not stop sandbox ${sandbox.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return outcome;
  }
}

/** The failure kind and message for what a step threw. */
function classify(
  error: unknown,
  step: SolveStep,
  target: SolveRequest['target'],
): { kind: SolveFailureKind; message: string } {
  if (error instanceof SolveStop) return { kind: error.kind, message: error.message };
  const why = error instanceof Error ? error.message : String(error);
  if (error instanceof GitHubApiError) {
    const kind = error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'not_found' ? error.kind : 'failed';
    return { kind, message: why };
  }
  if (error instanceof ApiError) {
    const repo = `${target.owner}/${target.repo}`;
    if (error.code === 'git_permission_denied')
      return step === 'push'
        ? { kind: 'forbidden', message: `GitHub refused the push to ${repo}: the token may not push there. ${why}` }
        : { kind: 'forbidden', message: `GitHub refused to let the sandbox clone ${repo}. ${why}` };
    if (error.code === 'git_remote_not_found')
      return { kind: 'not_found', message: `The sandbox could not find ${repo} on the git server. ${why}` };
    return { kind: step === 'push' ? 'push_failed' : 'failed', message: `${SOLVE_STEP_TITLES[step]} failed: ${why}` };
  }
  return { kind: 'failed', message: `${SOLVE_STEP_TITLES[step]} failed: ${why}` };
}

function targetName(target: SolveRequest['target']): string {
  return `${target.owner}/${target.repo}#${String(target.number)}`;
}

function dollars(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}
