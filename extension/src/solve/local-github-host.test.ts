import { describe, expect, it } from 'vitest';
import { parseGitHubRef } from './issue-ref';
import { InvalidGitHubSettingError, parseOptionsFor, resolveGitHubHost, urlHost } from './local-github-host';

describe('resolveGitHubHost', () => {
  it('is github.com through the github provider by default', () => {
    expect(resolveGitHubHost({}, 'github.com')).toEqual({
      providerId: 'github',
      apiUrl: undefined,
      webUrl: 'https://github.com',
      label: 'GitHub',
    });
    expect(parseOptionsFor({})).toEqual({});
  });

  it('is the Enterprise server, with its /api/v3, for a repository on its host', () => {
    const settings = { enterpriseUri: 'https://GHE.example/' };
    expect(resolveGitHubHost(settings, 'ghe.example')).toEqual({
      providerId: 'github-enterprise',
      apiUrl: 'https://ghe.example/api/v3',
      webUrl: 'https://ghe.example',
      label: 'GitHub Enterprise (ghe.example)',
    });
    // A github.com repository still goes to github.com.
    expect(resolveGitHubHost(settings, 'github.com').providerId).toBe('github');
    expect(resolveGitHubHost(settings, undefined).providerId).toBe('github');
    const options = parseOptionsFor(settings);
    expect(parseGitHubRef('git@ghe.example:acme/widgets.git', options)).toEqual({
      owner: 'acme',
      repo: 'widgets',
    });
  });

  it('sends everything to handoff.github.apiUrl, whose host remotes may then use', () => {
    const settings = { apiUrl: 'http://127.0.0.1:4567' };
    expect(resolveGitHubHost(settings, '127.0.0.1')).toEqual({
      providerId: 'github',
      apiUrl: 'http://127.0.0.1:4567',
      webUrl: 'http://127.0.0.1:4567',
      label: 'GitHub (127.0.0.1:4567)',
    });
    const options = parseOptionsFor(settings);
    expect(parseGitHubRef('http://127.0.0.1:9999/acme/sum-lib.git', options)).toEqual({
      owner: 'acme',
      repo: 'sum-lib',
    });
    const enterpriseApi = { apiUrl: 'https://ghe.example/api/v3/', enterpriseUri: 'https://ghe.example' };
    expect(resolveGitHubHost(enterpriseApi, undefined)).toMatchObject({
      providerId: 'github-enterprise',
      apiUrl: 'https://ghe.example/api/v3',
      webUrl: 'https://ghe.example',
    });
  });

  it('names the setting that is not a usable URL', () => {
    expect(() => resolveGitHubHost({ apiUrl: 'not a url' }, undefined)).toThrow(InvalidGitHubSettingError);
    expect(() => resolveGitHubHost({ apiUrl: 'ftp://x' }, undefined)).toThrow(
      /handoff\.github\.apiUrl must be an http/,
    );
    expect(() => parseOptionsFor({ enterpriseUri: 'https://u:p@ghe.example' })).toThrow(
      /must not hold credentials/,
    );
    expect(resolveGitHubHost({ apiUrl: '  ' }, undefined).providerId).toBe('github');
  });

  it('reads the host of a URL only', () => {
    expect(urlHost('https://GitHub.com/acme/x/issues/1')).toBe('github.com');
    expect(urlHost('acme/x#1')).toBeUndefined();
  });
});
