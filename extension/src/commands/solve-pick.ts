/**
 * @module Which issue "Handoff: Solve Issue" solves: the repository from the workspace's git remote
 * (or typed), then its open issues in a searchable picker that also takes a pasted issue URL or
 * `owner/repo#123`.
 */
import * as vscode from 'vscode';
import type { GitHubIssueSummary } from '../solve/github-client';
import { InvalidGitHubRefError, parseGitHubRef } from '../solve/issue-ref';
import type { ParseGitHubRefOptions } from '../solve/issue-ref';
import { detectGitHubRemote } from '../solve/local-git';
import { urlHost } from '../solve/local-github-host';
import { issueRows, typedIssue, typedRow } from '../solve/local-issue-pick';
import type { IssuePickRow, PickRepository } from '../solve/local-issue-pick';
import type { IssueTarget } from '../solve/solve-types';

/** A repository to solve an issue of, and the issue when the user already named one. */
export interface PickedRepository extends PickRepository {
  /** The host of its remote or URL; undefined when typed as `owner/repo`. */
  host: string | undefined;
  /** The issue, when the typed text named one. */
  number?: number;
}

const TITLE = 'Handoff: Solve Issue';

/** The GitHub repositories the open folders are clones of (only in a trusted workspace: git reads their config). */
export async function workspaceRepositories(options: ParseGitHubRefOptions): Promise<PickedRepository[]> {
  if (!vscode.workspace.isTrusted) return [];
  const found: PickedRepository[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const remote = await detectGitHubRemote({
      folder: folder.uri.fsPath,
      ...(options.webUrl === undefined ? {} : { webUrl: options.webUrl }),
    });
    if (!remote) continue;
    const known = found.some(
      (repo) =>
        repo.owner.toLowerCase() === remote.ref.owner.toLowerCase() &&
        repo.repo.toLowerCase() === remote.ref.repo.toLowerCase(),
    );
    if (!known) found.push({ ...remote.ref, host: remote.host });
  }
  return found;
}

/** The repository: the workspace's when there is one, a choice among several, or typed. */
export async function pickRepository(options: ParseGitHubRefOptions): Promise<PickedRepository | undefined> {
  const found = await workspaceRepositories(options);
  const [only] = found;
  if (found.length === 1 && only) return only;
  if (found.length === 0) return typeRepository(options);
  type Item = vscode.QuickPickItem & { repository?: PickedRepository };
  const items: Item[] = [
    ...found.map((repository) => ({ label: `${repository.owner}/${repository.repo}`, repository })),
    { label: 'Another repository…', description: 'type owner/repo or a URL' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: 'Which repository?' });
  if (!choice) return undefined;
  return choice.repository ?? typeRepository(options);
}

/** Asks for `owner/repo`, a repository URL or an issue URL. */
async function typeRepository(options: ParseGitHubRefOptions): Promise<PickedRepository | undefined> {
  const validate = (value: string): string | undefined => {
    if (value.trim() === '') return 'Type owner/repo, or paste a repository or issue URL.';
    try {
      parseGitHubRef(value, options);
      return undefined;
    } catch (error) {
      if (error instanceof InvalidGitHubRefError) return `This is ${error.message}`;
      throw error;
    }
  };
  const value = await vscode.window.showInputBox({
    title: TITLE,
    prompt: vscode.workspace.isTrusted
      ? 'No open folder is a clone of a GitHub repository. Which repository? owner/repo, its URL, or an issue URL.'
      : 'Which repository? owner/repo, its URL, or an issue URL (in Restricted Mode the workspace git remote is not read).',
    placeHolder: 'owner/repo or https://github.com/owner/repo/issues/123',
    ignoreFocusOut: true,
    validateInput: validate,
  });
  if (value === undefined) return undefined;
  const ref = parseGitHubRef(value, options);
  return {
    owner: ref.owner,
    repo: ref.repo,
    host: urlHost(value),
    ...(ref.number === undefined ? {} : { number: ref.number }),
  };
}

/** The issue the command's argument names (`owner/repo#12`, an issue URL, `#12` of the workspace's repository). */
export async function issueFromArgument(
  argument: unknown,
  options: ParseGitHubRefOptions,
): Promise<{ target: IssueTarget; host: string | undefined }> {
  const text = argument instanceof vscode.Uri ? argument.toString(true) : String(argument);
  const [repository] = await workspaceRepositories(options);
  const typed = typedIssue(text, repository, options);
  if (!typed)
    throw new InvalidGitHubRefError(
      `"${text.slice(0, 200)}" names no GitHub issue: pass owner/repo#123 or an issue URL such as https://github.com/owner/repo/issues/123.`,
    );
  const sameRepository =
    repository !== undefined &&
    repository.owner.toLowerCase() === typed.target.owner.toLowerCase() &&
    repository.repo.toLowerCase() === typed.target.repo.toLowerCase();
  return { target: typed.target, host: typed.host ?? (sameRepository ? repository.host : undefined) };
}

type IssueItem = vscode.QuickPickItem & { row: IssuePickRow };

function toItem(row: IssuePickRow, typed = false): IssueItem {
  return {
    label: row.label,
    description: row.description,
    ...(row.detail === undefined ? {} : { detail: row.detail }),
    ...(typed ? { alwaysShow: true, iconPath: new vscode.ThemeIcon('link') } : {}),
    row,
  };
}

/**
 * The open issues of `repository` in a searchable picker (number, title, labels, author). A pasted
 * issue URL or `owner/repo#123` is offered as a row of its own. Resolves undefined when dismissed.
 */
export function pickIssue(
  repository: PickRepository,
  loadIssues: () => Promise<GitHubIssueSummary[]>,
  options: ParseGitHubRefOptions,
): Promise<IssuePickRow | undefined> {
  const picker = vscode.window.createQuickPick<IssueItem>();
  const name = `${repository.owner}/${repository.repo}`;
  picker.title = `${TITLE}: ${name}`;
  picker.placeholder = `Loading the open issues of ${name}… or paste an issue URL or owner/repo#123`;
  picker.matchOnDescription = true;
  picker.ignoreFocusOut = true;
  picker.busy = true;
  let rows: IssuePickRow[] = [];
  const refresh = (): void => {
    // What the user typed names an issue: its row comes first and stays shown, whatever the filter.
    const typed = typedRow(picker.value, repository, rows, options);
    const others = rows.filter((row) => row !== typed).map((row) => toItem(row));
    picker.items = typed ? [toItem(typed, true), ...others] : others;
  };
  return new Promise<IssuePickRow | undefined>((resolve) => {
    let done = false;
    const finish = (row: IssuePickRow | undefined): void => {
      if (done) return;
      done = true;
      resolve(row);
      picker.dispose();
    };
    picker.onDidChangeValue(refresh);
    picker.onDidAccept(() => {
      const row = picker.selectedItems[0]?.row ?? typedRow(picker.value, repository, rows, options);
      if (row) finish(row);
    });
    picker.onDidHide(() => {
      finish(undefined);
    });
    picker.show();
    loadIssues().then(
      (issues) => {
        rows = issueRows(repository, issues);
        picker.placeholder =
          rows.length === 0
            ? `${name} has no open issues: paste an issue URL or owner/repo#123`
            : `Pick an issue of ${name} (search by number, title, label or author), or paste an issue URL`;
        picker.busy = false;
        refresh();
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        picker.placeholder = `Could not list the issues: ${message} Paste an issue URL or owner/repo#123.`;
        picker.busy = false;
        void vscode.window.showErrorMessage(`Handoff: ${message}`);
        refresh();
      },
    );
  });
}
