import { describe, expect, it } from 'vitest';
import { InvalidGitHubRefError, parseGitHubRef } from './issue-ref.js';

describe('parseGitHubRef', () => {
  it.each([
    ['acme/widgets#123', { owner: 'acme', repo: 'widgets', number: 123 }],
    ['  acme/widgets  ', { owner: 'acme', repo: 'widgets' }],
    ['https://github.com/acme/widgets/issues/123', { owner: 'acme', repo: 'widgets', number: 123 }],
    ['https://github.com/acme/widgets/issues/7/', { owner: 'acme', repo: 'widgets', number: 7 }],
    ['https://github.com/acme/my.repo', { owner: 'acme', repo: 'my.repo' }],
    ['https://github.com/acme/widgets.git', { owner: 'acme', repo: 'widgets' }],
    ['https://x-access-token:abc@github.com/acme/widgets.git', { owner: 'acme', repo: 'widgets' }],
    ['git@github.com:acme/widgets.git', { owner: 'acme', repo: 'widgets' }],
    ['git@github.com:acme/widgets', { owner: 'acme', repo: 'widgets' }],
    ['ssh://git@github.com/acme/widgets', { owner: 'acme', repo: 'widgets' }],
    ['ssh://git@github.com:22/acme/widgets.git', { owner: 'acme', repo: 'widgets' }],
  ])('reads %s', (text, expected) => {
    expect(parseGitHubRef(text)).toEqual(expected);
  });

  it('accepts a GitHub Enterprise host given its web URL, with or without a path prefix', () => {
    const webUrl = 'https://ghe.example';
    expect(parseGitHubRef('https://ghe.example/acme/widgets/issues/5', { webUrl })).toEqual({
      owner: 'acme',
      repo: 'widgets',
      number: 5,
    });
    expect(parseGitHubRef('git@ghe.example:acme/widgets.git', { webUrl })).toEqual({
      owner: 'acme',
      repo: 'widgets',
    });
    expect(parseGitHubRef('https://github.com/acme/widgets', { webUrl })).toEqual({
      owner: 'acme',
      repo: 'widgets',
    });
    const prefixed = { webUrl: 'https://corp.example/github/' };
    expect(parseGitHubRef('https://corp.example/github/acme/widgets/issues/2', prefixed)).toEqual({
      owner: 'acme',
      repo: 'widgets',
      number: 2,
    });
    expect(() => parseGitHubRef('https://ghe.example/acme/widgets')).toThrow(InvalidGitHubRefError);
  });

  it.each([
    '',
    'widgets',
    'acme/widgets#0',
    'acme/widgets#12x',
    '-acme/bad#1',
    'acme/widgets#',
    'https://gitlab.com/acme/widgets',
    'https://github.com/acme/widgets/pull/3',
    'https://github.com/acme',
    'git@gitlab.com:acme/widgets.git',
    'ftp://github.com/acme/widgets',
    'https://github.com/acme/widgets/issues/abc',
  ])('refuses %j with a clear sentence', (text) => {
    expect(() => parseGitHubRef(text)).toThrow(/^not a GitHub repository: /);
  });

  it('never repeats credentials from a refused URL', () => {
    let message = '';
    try {
      parseGitHubRef('https://me:ghp_secret123@gitlab.com/acme/widgets.git');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('not a GitHub repository: "https://gitlab.com/acme/widgets.git"');
    expect(message).not.toContain('ghp_secret123');
  });
});
