/**
 * @module Which GitHub a repository lives on, from the settings: github.com through VS Code's
 * `github` authentication provider, a GitHub Enterprise server (the built-in
 * `github-enterprise.uri` setting) through `github-enterprise` with the API at `<uri>/api/v3`, and
 * `handoff.github.apiUrl`, which points every request at another API root (a proxy, or a stand-in
 * in tests) and whose host is then accepted in remotes and issue URLs too.
 */
import type { ParseGitHubRefOptions } from './issue-ref';

/** The settings that decide the host. */
export interface GitHubHostSettings {
  /** `github-enterprise.uri`, e.g. `https://ghe.example`. */
  enterpriseUri?: string | undefined;
  /** `handoff.github.apiUrl`: an API root that replaces the default one. */
  apiUrl?: string | undefined;
}

/** The VS Code authentication providers for GitHub. */
export type GitHubProviderId = 'github' | 'github-enterprise';

/** Where one repository's API calls go and who signs the user in. */
export interface GitHubHost {
  providerId: GitHubProviderId;
  /** The API root; undefined means `https://api.github.com`. */
  apiUrl: string | undefined;
  /** The web root, for links and for parsing URLs on this host. */
  webUrl: string;
  /** "GitHub" or "GitHub Enterprise (ghe.example)", for messages. */
  label: string;
}

/** A setting value that is not a usable http(s) URL. */
export class InvalidGitHubSettingError extends Error {
  override readonly name = 'InvalidGitHubSettingError';
}

const GITHUB_WEB = 'https://github.com';

function httpUrl(value: string | undefined, setting: string): URL | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidGitHubSettingError(
      `The setting ${setting} is not a URL: set it to e.g. https://ghe.example.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidGitHubSettingError(`The setting ${setting} must be an http(s) URL.`);
  if (url.username !== '' || url.password !== '')
    throw new InvalidGitHubSettingError(`The setting ${setting} must not hold credentials: sign in instead.`);
  return url;
}

function withoutTrailingSlash(url: URL): string {
  return url.href.replace(/\/+$/, '');
}

/** The web root that `handoff.github.apiUrl` stands for: its `/api/v3` (or `/api`) stripped. */
function webOfApi(api: URL): string {
  const base = new URL(api.href);
  base.pathname = base.pathname.replace(/\/+$/, '').replace(/\/api(\/v3)?$/, '');
  base.search = '';
  return withoutTrailingSlash(base);
}

/** The options that make `parseGitHubRef` accept the configured host besides github.com. */
export function parseOptionsFor(settings: GitHubHostSettings): ParseGitHubRefOptions {
  const api = httpUrl(settings.apiUrl, 'handoff.github.apiUrl');
  if (api) return { webUrl: webOfApi(api) };
  const enterprise = httpUrl(settings.enterpriseUri, 'github-enterprise.uri');
  return enterprise ? { webUrl: withoutTrailingSlash(enterprise) } : {};
}

/**
 * The host of a repository whose remote or URL is on `repoHost` (undefined: typed as
 * `owner/repo`, which means github.com unless `handoff.github.apiUrl` names another server).
 */
export function resolveGitHubHost(settings: GitHubHostSettings, repoHost: string | undefined): GitHubHost {
  const enterprise = httpUrl(settings.enterpriseUri, 'github-enterprise.uri');
  const api = httpUrl(settings.apiUrl, 'handoff.github.apiUrl');
  const onEnterprise = (host: string | undefined): boolean =>
    enterprise !== undefined &&
    host !== undefined &&
    host.toLowerCase() === enterprise.hostname.toLowerCase();
  if (api) {
    const enterpriseApi = onEnterprise(api.hostname);
    return {
      providerId: enterpriseApi ? 'github-enterprise' : 'github',
      apiUrl: withoutTrailingSlash(api),
      webUrl: webOfApi(api),
      label: enterpriseApi ? `GitHub Enterprise (${api.host})` : `GitHub (${api.host})`,
    };
  }
  if (enterprise && onEnterprise(repoHost)) {
    const web = withoutTrailingSlash(enterprise);
    return {
      providerId: 'github-enterprise',
      apiUrl: `${web}/api/v3`,
      webUrl: web,
      label: `GitHub Enterprise (${enterprise.host})`,
    };
  }
  return { providerId: 'github', apiUrl: undefined, webUrl: GITHUB_WEB, label: 'GitHub' };
}

/** The host named in an issue or repository URL, when the text is one. */
export function urlHost(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
