/**
 * @module GitHub sign-in through VS Code's authentication providers: `github` for github.com,
 * `github-enterprise` for the server in `github-enterprise.uri`. VS Code keeps the token; Handoff
 * passes it on to the solve flow and never logs or stores it.
 */
import * as vscode from 'vscode';
import { parseOptionsFor, resolveGitHubHost } from '../solve/local-github-host';
import type { GitHubHost, GitHubHostSettings } from '../solve/local-github-host';
import type { ParseGitHubRefOptions } from '../solve/issue-ref';

/** The scopes Handoff asks GitHub for: reading issues, pushing branches and opening pull requests. */
export const GITHUB_SCOPES = ['repo'];

/** Sign-in did not give a session; the message says why and what to do. */
export class GitHubSignInError extends Error {
  override readonly name = 'GitHubSignInError';
}

/** `github-enterprise.uri` and `handoff.github.apiUrl`, now. */
export function readGitHubHostSettings(): GitHubHostSettings {
  return {
    enterpriseUri: vscode.workspace.getConfiguration('github-enterprise').get<string>('uri'),
    apiUrl: vscode.workspace.getConfiguration('handoff.github').get<string>('apiUrl'),
  };
}

/** The host of a repository on `repoHost` (see {@link resolveGitHubHost}), from the current settings. */
export function gitHubHostFor(repoHost: string | undefined): GitHubHost {
  return resolveGitHubHost(readGitHubHostSettings(), repoHost);
}

/** What `parseGitHubRef` accepts with the current settings. */
export function gitHubParseOptions(): ParseGitHubRefOptions {
  return parseOptionsFor(readGitHubHostSettings());
}

/** Whether an installed extension declares the authentication provider (code-server ships none for GitHub). */
function providerInstalled(providerId: string): boolean {
  return vscode.extensions.all.some((extension) => {
    const contributes = (extension.packageJSON as { contributes?: { authentication?: unknown } }).contributes;
    const providers = Array.isArray(contributes?.authentication)
      ? (contributes.authentication as unknown[])
      : [];
    return providers.some((provider) => (provider as { id?: unknown } | null)?.id === providerId);
  });
}

/**
 * Signs in to `host` (asking the user when `silent` is not set) and returns the session; throws a
 * {@link GitHubSignInError} when this VS Code has no provider for it or the sign-in did not
 * complete. With `silent`, resolves undefined when the user is not signed in.
 */
export async function gitHubSession(
  host: GitHubHost,
  options: { silent?: boolean } = {},
): Promise<vscode.AuthenticationSession | undefined> {
  if (!providerInstalled(host.providerId)) {
    if (options.silent === true) return undefined;
    throw new GitHubSignInError(
      host.providerId === 'github'
        ? 'This editor has no GitHub sign-in: no extension provides the "github" authentication provider (code-server and some VS Code builds ship none). Install the GitHub Authentication extension, or run "handoff solve" in a terminal with GITHUB_TOKEN set.'
        : 'This editor has no GitHub Enterprise sign-in: no extension provides the "github-enterprise" authentication provider. Install the GitHub Authentication extension, or run "handoff solve" in a terminal with GITHUB_TOKEN set.',
    );
  }
  try {
    if (options.silent === true)
      return await vscode.authentication.getSession(host.providerId, GITHUB_SCOPES, { silent: true });
    return await vscode.authentication.getSession(host.providerId, GITHUB_SCOPES, { createIfNone: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GitHubSignInError(
      `Signing in to ${host.label} did not complete (${reason}). Handoff needs the "repo" scope to read the issue, push a branch and open a draft pull request: run the command again and allow the sign-in.`,
      { cause: error },
    );
  }
}
