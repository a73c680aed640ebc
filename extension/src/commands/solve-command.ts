/**
 * @module "Handoff: Solve Issue" and the Solves view: sign in to GitHub, pick the repository and
 * the issue (or take `owner/repo#123` / an issue URL as the command's argument), then start the
 * solve in the background. Several solves run at once, each listed with its live status.
 */
import * as vscode from 'vscode';
import type { SessionService } from '../agent/session-service';
import { ChatViewProvider } from '../chat-view/chat-view-provider';
import type { Logger } from '../common/logger';
import type { HistoryService } from '../history/history-service';
import { GitHubClient } from '../solve/github-client';
import type { GitHubHost } from '../solve/local-github-host';
import { issueLabel, SolveList } from '../solve/local-solve-list';
import type { SolveEntry } from '../solve/local-solve-list';
import type { IssueTarget } from '../solve/solve-types';
import { gitHubHostFor, gitHubParseOptions, gitHubSession } from './github-session';
import { SolveActions } from './solve-actions';
import { startSolve } from './solve-progress';
import type { SolveRunContext } from './solve-progress';
import { issueFromArgument, pickIssue, pickRepository } from './solve-pick';
import { SOLVES_VIEW_ID, SolveTreeProvider } from './solve-tree';

/** What the solve commands need from the composition root. */
export interface SolveCommandsOptions {
  secrets: vscode.SecretStorage;
  logger: Logger;
  /** The chat's session and history: a solve's conversation is opened in the chat like one from the history. */
  session: Pick<SessionService, 'open'>;
  history: Pick<HistoryService, 'events'>;
}

/** The issue chosen, with its title when known. */
interface Chosen {
  target: IssueTarget;
  title: string | undefined;
  host: GitHubHost;
  token: string;
}

/** Registers `handoff.solveIssue`, the Solves view and the actions of its rows. */
export function registerSolveCommands(options: SolveCommandsOptions): vscode.Disposable[] {
  const list = new SolveList();
  const tree = new SolveTreeProvider(list);
  const actions = new SolveActions({
    list,
    logger: options.logger,
    openConversation: async (sandboxId, conversationId) => {
      await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
      // Live from its sandbox (resumed if paused); the archive, read-only, once the sandbox is gone.
      await options.session.open({ conversationId, sandboxId }, () => options.history.events(conversationId));
    },
    pushAgain: (entry) => pushAgain(context, entry),
  });
  const context: SolveRunContext = {
    list,
    secrets: options.secrets,
    logger: options.logger,
    showOutcome: (entry) => {
      actions.showOutcome(entry);
    },
  };
  return [
    new vscode.Disposable(() => {
      tree.dispose();
      list.dispose();
    }),
    vscode.window.createTreeView(SOLVES_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false }),
    vscode.commands.registerCommand('handoff.solveIssue', (argument?: unknown) =>
      solveIssueCommand(context, argument),
    ),
    ...registerRowCommands(actions),
  ];
}

/** The commands of a solve's row and notification; each takes the row (or the solve's id). */
function registerRowCommands(actions: SolveActions): vscode.Disposable[] {
  const rowCommands: Record<string, (entry: SolveEntry) => unknown> = {
    'handoff.solves.show': (entry) => {
      actions.showOutcome(entry);
    },
    'handoff.solves.cancel': (entry) => {
      actions.cancel(entry);
    },
    'handoff.solves.openPullRequest': (entry) => actions.openPullRequest(entry),
    'handoff.solves.checkOutBranch': (entry) => actions.checkOutBranch(entry),
    'handoff.solves.applyChanges': (entry) => actions.applyChanges(entry),
    'handoff.solves.savePatch': (entry) => actions.savePatch(entry),
    'handoff.solves.openConversation': (entry) => actions.openConversation(entry),
    'handoff.solves.pushAgain': (entry) => actions.pushAgain(entry),
  };
  return Object.entries(rowCommands).map(([command, run]) =>
    vscode.commands.registerCommand(command, (argument: unknown) => {
      const entry = actions.resolve(argument);
      return entry ? run(entry) : undefined;
    }),
  );
}

/** The command: every expected failure ends in a message that says what to do. */
async function solveIssueCommand(context: SolveRunContext, argument: unknown): Promise<void> {
  try {
    const chosen = await chooseIssue(argument);
    if (!chosen) return;
    const running = context.list.running(chosen.target);
    if (running) {
      void vscode.window.showInformationMessage(
        `Handoff: ${issueLabel(chosen.target)} is being solved already.`,
      );
      await vscode.commands.executeCommand(`${SOLVES_VIEW_ID}.focus`);
      return;
    }
    const title = chosen.title ?? (await issueTitle(chosen));
    if (title === undefined) return;
    await startSolve(context, {
      target: chosen.target,
      issueTitle: title,
      host: chosen.host,
      token: chosen.token,
    });
    await vscode.commands.executeCommand(`${SOLVES_VIEW_ID}.focus`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.logger.warn(`Solve Issue: ${message}`);
    void vscode.window.showErrorMessage(`Handoff: ${message}`);
  }
}

/** Publishes a failed solve's kept work as a new solve: signs in again (the token may have changed). */
async function pushAgain(context: SolveRunContext, entry: SolveEntry): Promise<void> {
  const { sandbox, conversationId } = entry;
  if (sandbox === undefined || conversationId === undefined) return;
  const host = gitHubHostFor(new URL(entry.webUrl).host);
  const token = await signIn(host);
  if (token === undefined) return;
  await startSolve(context, {
    target: entry.target,
    issueTitle: entry.issueTitle,
    host,
    token,
    resume: { sandboxId: sandbox.id, conversationId },
  });
}

/** The issue from the argument, or from the repository and issue pickers; undefined when dismissed. */
async function chooseIssue(argument: unknown): Promise<Chosen | undefined> {
  const parseOptions = gitHubParseOptions();
  if (argument !== undefined && argument !== null && argument !== '') {
    const { target, host: repoHost } = await issueFromArgument(argument, parseOptions);
    const host = gitHubHostFor(repoHost);
    const token = await signIn(host);
    return token === undefined ? undefined : { target, title: undefined, host, token };
  }
  const repository = await pickRepository(parseOptions);
  if (!repository) return undefined;
  let host = gitHubHostFor(repository.host);
  let token = await signIn(host);
  if (token === undefined) return undefined;
  if (repository.number !== undefined)
    return {
      target: { owner: repository.owner, repo: repository.repo, number: repository.number },
      title: undefined,
      host,
      token,
    };
  const client = githubClient(host, token);
  const row = await pickIssue(
    repository,
    () => client.openIssues(repository.owner, repository.repo),
    parseOptions,
  );
  if (!row) return undefined;
  if (row.host !== undefined && gitHubHostFor(row.host).webUrl !== host.webUrl) {
    // A pasted URL of another GitHub (github.com while the workspace is on Enterprise, or the reverse).
    host = gitHubHostFor(row.host);
    token = await signIn(host);
    if (token === undefined) return undefined;
  }
  return { target: row.target, title: row.title, host, token };
}

async function signIn(host: GitHubHost): Promise<string | undefined> {
  const session = await gitHubSession(host);
  return session?.accessToken;
}

function githubClient(host: GitHubHost, token: string): GitHubClient {
  return new GitHubClient({ auth: token, ...(host.apiUrl === undefined ? {} : { baseUrl: host.apiUrl }) });
}

/** A typed issue's title, read before any sandbox starts: a wrong number fails here, at once. */
async function issueTitle(chosen: Chosen): Promise<string | undefined> {
  const { owner, repo, number } = chosen.target;
  const issue = await githubClient(chosen.host, chosen.token).issue(owner, repo, number);
  if (issue.state === 'open') return issue.title;
  const choice = await vscode.window.showWarningMessage(
    `Handoff: ${issueLabel(chosen.target)} "${issue.title}" is ${issue.state}. Solve it anyway?`,
    { modal: true },
    'Solve',
  );
  return choice === 'Solve' ? issue.title : undefined;
}
