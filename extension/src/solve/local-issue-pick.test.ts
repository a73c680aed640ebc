import { describe, expect, it } from 'vitest';
import { issueRows, typedIssue, typedRow } from './local-issue-pick';

const REPO = { owner: 'acme', repo: 'sum-lib' };
const ISSUES = [
  {
    number: 3,
    title: 'Crash on empty input',
    htmlUrl: 'https://github.com/acme/sum-lib/issues/3',
    user: 'ana',
    labels: ['bug', 'p1'],
  },
  {
    number: 1,
    title: 'sum() ignores the last number',
    htmlUrl: 'https://github.com/acme/sum-lib/issues/1',
    user: 'octocat',
    labels: [],
  },
];

describe('issue picker rows', () => {
  it('shows number and title, and labels and author to search by', () => {
    expect(issueRows(REPO, ISSUES)).toEqual([
      {
        label: '#3 Crash on empty input',
        description: 'bug · p1 · by ana',
        target: { ...REPO, number: 3 },
        title: 'Crash on empty input',
        host: undefined,
      },
      {
        label: '#1 sum() ignores the last number',
        description: 'by octocat',
        target: { ...REPO, number: 1 },
        title: 'sum() ignores the last number',
        host: undefined,
      },
    ]);
  });

  it('offers a typed issue URL, owner/repo#n or #n, and the listed row when it is listed', () => {
    const listed = issueRows(REPO, ISSUES);
    expect(typedRow('https://github.com/other/lib/issues/12', REPO, listed, {})).toMatchObject({
      label: 'Solve other/lib#12',
      target: { owner: 'other', repo: 'lib', number: 12 },
      host: 'github.com',
    });
    expect(typedRow('acme/sum-lib#40', REPO, listed, {})?.target).toEqual({ ...REPO, number: 40 });
    expect(typedRow('#41', REPO, listed, {})?.target).toEqual({ ...REPO, number: 41 });
    expect(typedRow('#3', REPO, listed, {})).toBe(listed[0]);
    expect(typedRow('ACME/Sum-Lib#1', REPO, listed, {})).toBe(listed[1]);
  });

  it('offers nothing for search words, a repository without an issue, or #n without a repository', () => {
    expect(typedRow('crash', REPO, [], {})).toBeUndefined();
    expect(typedRow('acme/sum-lib', REPO, [], {})).toBeUndefined();
    expect(typedRow('#0', REPO, [], {})).toBeUndefined();
    expect(typedIssue('7', undefined, {})).toBeUndefined();
    expect(
      typedIssue('https://ghe.example/a/b/issues/2', undefined, { webUrl: 'https://ghe.example' }),
    ).toEqual({
      target: { owner: 'a', repo: 'b', number: 2 },
      host: 'ghe.example',
    });
  });
});
