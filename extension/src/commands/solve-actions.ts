/**
 * @module What the user can do with a solve, from its notification or its row in the Solves view:
 * cancel it, open its pull request or conversation, check its branch out, apply or save the
 * changes a failed solve kept; and the notification that says how a solve ended.
 */
import * as vscode from 'vscode';
import type { ConversationId } from '@handoff/protocol';
import type { Logger } from '../common/logger';
import { checkOutBranch } from '../solve/local-branch';
import { LocalGitError, gitHubRemotes } from '../solve/local-git';
import { urlHost } from '../solve/local-github-host';
import { applyPatch } from '../solve/local-patch';
import { canOpenConversation, canPushAgain, issueLabel } from '../solve/local-solve-list';
import type { SolveEntry, SolveList } from '../solve/local-solve-list';
import type { SolveFailed, SolveOpened } from '../solve/solve-types';
import { gitHubHostFor, gitHubSession } from './github-session';

/** What the actions need. */
export interface SolveActionsOptions {
  list: SolveList;
  logger: Logger;
  /** Shows a conversation of a sandbox in the Handoff chat. */
  openConversation(sandboxId: string, conversationId: ConversationId): Promise<void>;
  /** Publishes a failed solve's work again from its kept sandbox (a new solve in the list). */
  pushAgain(entry: SolveEntry): Promise<void>;
}

const OPEN_PR = 'Open Pull Request';
const CHECK_OUT = 'Check Out Branch';
const APPLY = 'Apply Changes Locally';
const SAVE = 'Save Patch…';
const OPEN_CONVERSATION = 'Open Conversation';
const PUSH_AGAIN = 'Push Again';

/** The solve actions; each takes a solve (a tree row or its id) and reports failures itself. */
export class SolveActions {
  constructor(private readonly options: SolveActionsOptions) {}

  /** The latest state of the solve a command was given (tree rows pass the entry, notifications the id). */
  resolve(argument: unknown): SolveEntry | undefined {
    const id = typeof argument === 'string' ? argument : (argument as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? this.options.list.get(id) : undefined;
  }

  cancel(entry: SolveEntry): void {
    this.options.list.cancel(entry.id);
  }

  async openPullRequest(entry: SolveEntry): Promise<void> {
    const outcome = entry.outcome;
    if (outcome?.status !== 'opened') return;
    await vscode.env.openExternal(vscode.Uri.parse(outcome.pullRequest.htmlUrl));
  }

  /** Pushes a solve's kept work again (after the token got write access, say) and opens the pull request. */
  async pushAgain(entry: SolveEntry): Promise<void> {
    if (!canPushAgain(entry)) {
      void vscode.window.showWarningMessage(
        `Handoff: the work of ${issueLabel(entry.target)} cannot be pushed again from its sandbox; apply its changes locally instead.`,
      );
      return;
    }
    await this.report(this.options.pushAgain(entry));
  }

  async openConversation(entry: SolveEntry): Promise<void> {
    if (!canOpenConversation(entry) || !entry.sandbox || !entry.conversationId) {
      void vscode.window.showWarningMessage(
        `Handoff: the conversation of ${issueLabel(entry.target)} cannot be shown any more: its sandbox was stopped after the pull request opened.`,
      );
      return;
    }
    await this.report(this.options.openConversation(entry.sandbox.id, entry.conversationId));
  }

  /** Fetches the solve's branch into the open clone of its repository and checks it out. */
  async checkOutBranch(entry: SolveEntry): Promise<void> {
    const outcome = entry.outcome;
    if (outcome?.status !== 'opened') return;
    await this.report(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Handoff: checking out ${outcome.branch}` },
        async () => {
          const folder = await this.cloneFolder(entry);
          const session = await gitHubSession(gitHubHostFor(urlHost(entry.webUrl)), { silent: true });
          const done = await checkOutBranch({
            folder,
            webUrl: entry.webUrl,
            owner: entry.target.owner,
            repo: entry.target.repo,
            branch: outcome.branch,
            ...(session ? { token: session.accessToken } : {}),
          });
          this.options.logger.info(
            `Checked out ${done.branch} (tracking ${done.remote}/${done.branch}) at ${done.head}.`,
          );
          void vscode.window.showInformationMessage(
            `Handoff: checked out ${done.branch}, tracking ${done.remote}/${done.branch}.`,
          );
        },
      ),
    );
  }

  /** Applies a failed solve's patch to the open clone of its repository (`git apply --3way`). */
  async applyChanges(entry: SolveEntry): Promise<void> {
    const diff = entry.outcome?.status === 'failed' ? entry.outcome.diff : undefined;
    if (!diff) return;
    if (diff.truncated) {
      void vscode.window.showErrorMessage(
        `Handoff: the changes of ${issueLabel(entry.target)} were too large to keep whole, so they are not applied: save the patch to see what is there.`,
      );
      return;
    }
    await this.report(
      (async () => {
        const folder = await this.cloneFolder(entry);
        const applied = await applyPatch({ folder, webUrl: entry.webUrl, patch: diff.patch });
        const files = `${String(applied.files.length)} file${applied.files.length === 1 ? '' : 's'}`;
        if (applied.conflicts.length > 0)
          void vscode.window.showWarningMessage(
            `Handoff: applied the changes of ${issueLabel(entry.target)} (${files}) with conflicts in ${applied.conflicts.join(', ')}: resolve them in the editor.`,
          );
        else
          void vscode.window.showInformationMessage(
            `Handoff: applied the changes of ${issueLabel(entry.target)} to the workspace (${files}).`,
          );
      })(),
    );
  }

  /** Saves a failed solve's patch where the user chooses. */
  async savePatch(entry: SolveEntry): Promise<void> {
    const diff = entry.outcome?.status === 'failed' ? entry.outcome.diff : undefined;
    if (!diff) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `handoff-issue-${String(entry.target.number)}.patch`;
    const uri = await vscode.window.showSaveDialog({
      title: `Save the changes of ${issueLabel(entry.target)} as a patch`,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: { Patches: ['patch', 'diff'] },
    });
    if (!uri) return;
    await this.report(
      (async () => {
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(diff.patch));
        void vscode.window.showInformationMessage(
          `Handoff: saved the patch to ${uri.fsPath}${diff.truncated ? ' (cut at the size cap: it is incomplete)' : ''}. Apply it with "git apply --3way".`,
        );
      })(),
    );
  }

  /** The notification for a finished solve, with its actions; a running one opens its conversation. */
  showOutcome(entry: SolveEntry): void {
    const outcome = entry.outcome;
    if (!outcome) {
      void this.openConversation(entry);
      return;
    }
    for (const notice of outcome.notices) void vscode.window.showInformationMessage(`Handoff: ${notice}`);
    if (outcome.status === 'opened') void this.showOpened(entry, outcome);
    else void this.showFailed(entry, outcome);
  }

  private async showOpened(entry: SolveEntry, outcome: SolveOpened): Promise<void> {
    const choice = await vscode.window.showInformationMessage(
      `Handoff: Draft PR #${String(outcome.pullRequest.number)} opened for issue #${String(entry.target.number)} "${entry.issueTitle}" (${outcome.files.length === 1 ? '1 file' : `${String(outcome.files.length)} files`}, $${outcome.costUsd.toFixed(2)}).`,
      OPEN_PR,
      CHECK_OUT,
    );
    if (choice === OPEN_PR) await this.openPullRequest(entry);
    if (choice === CHECK_OUT) await this.checkOutBranch(entry);
  }

  private async showFailed(entry: SolveEntry, outcome: SolveFailed): Promise<void> {
    const buttons = [
      ...(canPushAgain(entry) ? [PUSH_AGAIN] : []),
      ...(outcome.diff && !outcome.diff.truncated ? [APPLY] : []),
      ...(outcome.diff ? [SAVE] : []),
      ...(canOpenConversation(entry) ? [OPEN_CONVERSATION] : []),
    ];
    const kept = outcome.diff ? ' The agent’s changes are kept.' : '';
    const choice =
      outcome.kind === 'cancelled'
        ? await vscode.window.showInformationMessage(
            `Handoff: solving ${issueLabel(entry.target)} was cancelled; no pull request was opened.${kept}`,
            ...buttons,
          )
        : await vscode.window.showErrorMessage(
            `Handoff: no pull request for ${issueLabel(entry.target)}: ${outcome.message}`,
            ...buttons,
          );
    if (choice === PUSH_AGAIN) await this.pushAgain(entry);
    if (choice === APPLY) await this.applyChanges(entry);
    if (choice === SAVE) await this.savePatch(entry);
    if (choice === OPEN_CONVERSATION) await this.openConversation(entry);
  }

  /** The open folder that is a clone of the solve's repository; refuses when there is none. */
  private async cloneFolder(entry: SolveEntry): Promise<string> {
    const label = `${entry.target.owner}/${entry.target.repo}`;
    if (!vscode.workspace.isTrusted)
      throw new LocalGitError(
        'not_a_repository',
        'Handoff runs git in the workspace only when you trust it: trust the workspace, then try again.',
      );
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const remotes = await gitHubRemotes({ folder: folder.uri.fsPath, webUrl: entry.webUrl }).catch(
        () => [],
      );
      const match = remotes.some(
        (remote) =>
          remote.ref.owner.toLowerCase() === entry.target.owner.toLowerCase() &&
          remote.ref.repo.toLowerCase() === entry.target.repo.toLowerCase(),
      );
      if (match) return folder.uri.fsPath;
    }
    throw new LocalGitError(
      'other_repository',
      `No open folder is a clone of ${label}: open one (its git remote must point at ${label}), then try again.`,
    );
  }

  private async report(work: Thenable<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.warn(`Solve action failed: ${message}`);
      void vscode.window.showErrorMessage(`Handoff: ${message}`);
    }
  }
}
