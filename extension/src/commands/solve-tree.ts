/**
 * @module The "Solves" view: every solve of this window with its live status ("agent: step 4 ·
 * $0.02"), an icon per state, and a `contextValue` the menus of package.json match on.
 */
import * as vscode from 'vscode';
import { describeSolve, formatCost, issueLabel, solveContextValue } from '../solve/local-solve-list';
import type { SolveEntry, SolveList } from '../solve/local-solve-list';

/** The view's id in package.json. */
export const SOLVES_VIEW_ID = 'handoff.solves';

function iconOf(entry: SolveEntry): vscode.ThemeIcon {
  if (entry.state === 'running') return new vscode.ThemeIcon('loading~spin');
  if (entry.state === 'opened')
    return new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed'));
  if (entry.outcome?.status === 'failed' && entry.outcome.kind === 'cancelled')
    return new vscode.ThemeIcon('circle-slash');
  return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
}

function tooltipOf(entry: SolveEntry): vscode.MarkdownString {
  const tip = new vscode.MarkdownString(undefined, true);
  tip
    .appendMarkdown(`**${issueLabel(entry.target)}**: `)
    .appendText(entry.issueTitle)
    .appendMarkdown('\n\n');
  const outcome = entry.outcome;
  if (!outcome) {
    tip.appendText(entry.cancelling ? 'Cancelling…' : (entry.progress?.message ?? 'Starting…'));
    return tip;
  }
  if (outcome.status === 'opened') {
    tip
      .appendMarkdown(
        `Draft pull request [#${String(outcome.pullRequest.number)}](${outcome.pullRequest.htmlUrl}) from `,
      )
      .appendText(outcome.branch);
  } else {
    tip.appendText(outcome.message);
  }
  tip.appendMarkdown(`\n\n${String(outcome.agentSteps)} agent steps, ${formatCost(outcome.costUsd)}`);
  for (const notice of outcome.notices) tip.appendMarkdown('\n\n').appendText(notice);
  return tip;
}

/** Shows the {@link SolveList}; refreshes on every change. */
export class SolveTreeProvider implements vscode.TreeDataProvider<SolveEntry>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<SolveEntry | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly list: SolveList) {
    // Entries are new objects after each change, so the whole (short) list is refreshed.
    this.subscription = list.onDidChange(() => {
      this.changeEmitter.fire(undefined);
    });
  }

  getChildren(element?: SolveEntry): SolveEntry[] {
    return element ? [] : this.list.list();
  }

  getTreeItem(entry: SolveEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(`#${String(entry.target.number)} ${entry.issueTitle}`);
    item.id = entry.id;
    // The status right after the title: the repository is in the tooltip, the sidebar is narrow.
    item.description = describeSolve(entry);
    item.tooltip = tooltipOf(entry);
    item.iconPath = iconOf(entry);
    item.contextValue = solveContextValue(entry);
    item.command = { command: 'handoff.solves.show', title: 'Show Solve', arguments: [entry.id] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
