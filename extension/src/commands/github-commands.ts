import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { gitHubHostFor, gitHubSession } from './github-session';

export { GITHUB_SCOPES } from './github-session';

/**
 * `handoff.signInToGitHub`: signs in through VS Code's GitHub authentication provider (GitHub
 * Enterprise's when `handoff.github.apiUrl` points at the `github-enterprise.uri` server) and
 * says who is signed in. VS Code keeps the token; Handoff neither logs nor stores it.
 */
export function registerGitHubCommands(logger: Logger): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('handoff.signInToGitHub', async () => {
      try {
        const session = await gitHubSession(gitHubHostFor(undefined));
        if (!session) return;
        logger.info(`Signed in to GitHub as ${session.account.label}.`);
        void vscode.window.showInformationMessage(
          `Handoff: signed in to GitHub as ${session.account.label}.`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Sign-in and settings errors are sentences for the user already.
        void vscode.window.showErrorMessage(`Handoff: ${message}`);
      }
    }),
  ];
}
