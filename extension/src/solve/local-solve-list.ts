/**
 * @module The solves of this window: each runs on its own, with its latest progress, its outcome
 * and its cancel switch. The "Solves" tree and the solve commands read it; nothing here imports
 * `vscode`.
 */
import type { ConversationId, SandboxInfo } from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import { Disposable } from '../common/lifecycle';
import { SOLVE_STEP_TITLES } from './solve-types';
import type { IssueTarget, SolveOutcome, SolveProgress } from './solve-types';

/** Where a solve stands. */
export type SolveState = 'running' | 'opened' | 'failed';

/** One solve as the UI shows it; a new object after every change. */
export interface SolveEntry {
  readonly id: string;
  readonly target: IssueTarget;
  readonly issueTitle: string;
  /** The GitHub web root the repository is on (parsing remotes when checking out). */
  readonly webUrl: string;
  readonly state: SolveState;
  /** The latest progress report. */
  readonly progress: SolveProgress | undefined;
  readonly outcome: SolveOutcome | undefined;
  /** Cancel was asked for and the flow has not ended yet. */
  readonly cancelling: boolean;
  /** The sandbox and conversation, once known. */
  readonly sandbox: SandboxInfo | undefined;
  readonly conversationId: ConversationId | undefined;
}

/** What starting a solve needs. */
export interface NewSolve {
  target: IssueTarget;
  issueTitle: string;
  webUrl: string;
}

/** `owner/repo#n`. */
export function issueLabel(target: IssueTarget): string {
  return `${target.owner}/${target.repo}#${String(target.number)}`;
}

/** Every solve of the window, newest first, with change events. */
export class SolveList extends Disposable {
  private readonly changeEmitter = this._register(new Emitter<SolveEntry>());
  /** A solve was added or changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly entries = new Map<string, SolveEntry>();
  private readonly controllers = new Map<string, AbortController>();
  private sequence = 0;

  /** Adds a running solve; its `signal` aborts when {@link cancel} is called or the list is disposed. */
  start(input: NewSolve): { entry: SolveEntry; signal: AbortSignal } {
    this.sequence += 1;
    const id = `${issueLabel(input.target)}@${String(this.sequence)}`;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const entry: SolveEntry = {
      id,
      ...input,
      state: 'running',
      progress: undefined,
      outcome: undefined,
      cancelling: false,
      sandbox: undefined,
      conversationId: undefined,
    };
    this.set(entry);
    return { entry, signal: controller.signal };
  }

  /** Records a progress report of a running solve. */
  report(id: string, progress: SolveProgress): void {
    const entry = this.entries.get(id);
    if (entry?.state !== 'running') return;
    this.set({
      ...entry,
      progress,
      sandbox: progress.sandbox ?? entry.sandbox,
      conversationId: progress.conversationId ?? entry.conversationId,
    });
  }

  /** Records how a solve ended. */
  finish(id: string, outcome: SolveOutcome): SolveEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.controllers.delete(id);
    const done: SolveEntry = {
      ...entry,
      state: outcome.status,
      outcome,
      cancelling: false,
      sandbox: outcome.sandbox ?? entry.sandbox,
      conversationId: outcome.conversationId ?? entry.conversationId,
    };
    this.set(done);
    return done;
  }

  /** Asks a running solve to stop; false when it is not running. */
  cancel(id: string): boolean {
    const entry = this.entries.get(id);
    const controller = this.controllers.get(id);
    if (entry?.state !== 'running' || !controller) return false;
    if (!entry.cancelling) this.set({ ...entry, cancelling: true });
    controller.abort();
    return true;
  }

  get(id: string): SolveEntry | undefined {
    return this.entries.get(id);
  }

  /** Every solve, newest first. */
  list(): SolveEntry[] {
    return [...this.entries.values()].reverse();
  }

  /** The running solve of this issue, if any. */
  running(target: IssueTarget): SolveEntry | undefined {
    return this.list().find((entry) => entry.state === 'running' && sameIssue(entry.target, target));
  }

  /** Cancels every running solve (the window is closing). */
  override dispose(): void {
    for (const controller of this.controllers.values()) controller.abort();
    this.controllers.clear();
    super.dispose();
  }

  private set(entry: SolveEntry): void {
    this.entries.set(entry.id, entry);
    this.changeEmitter.fire(entry);
  }
}

function sameIssue(a: IssueTarget, b: IssueTarget): boolean {
  return (
    a.owner.toLowerCase() === b.owner.toLowerCase() &&
    a.repo.toLowerCase() === b.repo.toLowerCase() &&
    a.number === b.number
  );
}

/** Dollars as the UI shows them: `$0.02`. */
export function formatCost(costUsd: number): string {
  return `$${costUsd.toFixed(2)}`;
}

/** The one-line status of a solve, e.g. "agent: step 4 · $0.02" or "draft PR #7 · $0.05". */
export function describeSolve(entry: SolveEntry): string {
  if (entry.state === 'running') {
    if (entry.cancelling) return 'cancelling…';
    const progress = entry.progress;
    if (!progress) return 'starting…';
    if (progress.step !== 'agent') return SOLVE_STEP_TITLES[progress.step].toLowerCase();
    return `agent: step ${String(progress.agentSteps ?? 0)} · ${formatCost(progress.costUsd ?? 0)}`;
  }
  const outcome = entry.outcome;
  if (outcome?.status === 'opened')
    return `draft PR #${String(outcome.pullRequest.number)} · ${formatCost(outcome.costUsd)}`;
  if (outcome?.status === 'failed') {
    const what =
      outcome.kind === 'cancelled'
        ? 'cancelled'
        : `failed (${SOLVE_STEP_TITLES[outcome.step].toLowerCase()})`;
    return outcome.diff ? `${what} · changes kept` : what;
  }
  return '';
}

/** Whether the solve's conversation can still be shown: its sandbox runs (or is kept after a failure). */
export function canOpenConversation(entry: SolveEntry): boolean {
  if (entry.sandbox === undefined || entry.conversationId === undefined) return false;
  return entry.state === 'running' || (entry.outcome?.sandboxKept ?? false);
}

/**
 * Whether the work of a solve whose push failed (e.g. GitHub refused it) can be pushed again from
 * its kept sandbox, without running the agent again.
 */
export function canPushAgain(entry: SolveEntry): boolean {
  const outcome = entry.outcome;
  return (
    outcome?.status === 'failed' &&
    outcome.step === 'push' &&
    outcome.diff !== undefined &&
    outcome.sandboxKept &&
    entry.sandbox !== undefined &&
    entry.conversationId !== undefined
  );
}

/**
 * The tree item's `contextValue`: `handoff.solve.<state>` plus `.diff` (a failed solve kept
 * changes), `.push` (see {@link canPushAgain}) and `.conversation` (see
 * {@link canOpenConversation}); menus match on these.
 */
export function solveContextValue(entry: SolveEntry): string {
  const parts = [`handoff.solve.${entry.state}`];
  if (entry.outcome?.status === 'failed' && entry.outcome.diff) parts.push('diff');
  if (canPushAgain(entry)) parts.push('push');
  if (canOpenConversation(entry)) parts.push('conversation');
  return parts.join('.');
}
