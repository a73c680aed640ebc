/**
 * @module What the issue picker lists: one row per open issue (number, title, labels, author), and
 * a row for what the user typed when it names an issue (`owner/repo#12`, an issue URL, or `#12`
 * of the repository on show). Free of `vscode`, so the wording is tested here.
 */
import type { GitHubIssueSummary } from './github-client';
import { InvalidGitHubRefError, parseGitHubRef } from './issue-ref';
import type { ParseGitHubRefOptions } from './issue-ref';
import { urlHost } from './local-github-host';
import type { IssueTarget } from './solve-types';

/** A row of the picker; `target` is what solving it solves. */
export interface IssuePickRow {
  label: string;
  description: string;
  detail?: string;
  target: IssueTarget;
  /** The issue's title, when known (typed rows learn it when the issue is read). */
  title: string | undefined;
  /** The host a typed URL named (undefined: the repository's own). */
  host: string | undefined;
}

/** A repository as the picker knows it. */
export interface PickRepository {
  owner: string;
  repo: string;
}

/** One row per issue, in the order given (GitHub's: newest first). */
export function issueRows(repository: PickRepository, issues: readonly GitHubIssueSummary[]): IssuePickRow[] {
  return issues.map((issue) => ({
    label: `#${String(issue.number)} ${issue.title}`,
    description: [...issue.labels, `by ${issue.user}`].join(' · '),
    target: { owner: repository.owner, repo: repository.repo, number: issue.number },
    title: issue.title,
    host: undefined,
  }));
}

/**
 * The issue `text` names: `owner/repo#12`, an issue URL, or `12`/`#12` of `repository`;
 * undefined when it names none (a search word, a repository without an issue).
 */
export function typedIssue(
  text: string,
  repository: PickRepository | undefined,
  options: ParseGitHubRefOptions,
): { target: IssueTarget; host: string | undefined } | undefined {
  const value = text.trim();
  const bare = /^#?(\d{1,9})$/.exec(value);
  if (bare && repository) {
    const number = Number(bare[1]);
    return number > 0 ? { target: { ...repository, number }, host: undefined } : undefined;
  }
  try {
    const ref = parseGitHubRef(value, options);
    if (ref.number === undefined) return undefined;
    return { target: { owner: ref.owner, repo: ref.repo, number: ref.number }, host: urlHost(value) };
  } catch (error) {
    if (error instanceof InvalidGitHubRefError) return undefined;
    throw error;
  }
}

/** The row for typed text that names an issue: the listed row of that issue, or a new one. */
export function typedRow(
  text: string,
  repository: PickRepository | undefined,
  listed: readonly IssuePickRow[],
  options: ParseGitHubRefOptions,
): IssuePickRow | undefined {
  const typed = typedIssue(text, repository, options);
  if (!typed) return undefined;
  const { target } = typed;
  const same = listed.find(
    (row) =>
      row.target.number === target.number &&
      row.target.owner.toLowerCase() === target.owner.toLowerCase() &&
      row.target.repo.toLowerCase() === target.repo.toLowerCase(),
  );
  if (same) return same;
  return {
    label: `Solve ${target.owner}/${target.repo}#${String(target.number)}`,
    description: 'the issue you typed',
    target,
    title: undefined,
    host: typed.host,
  };
}
