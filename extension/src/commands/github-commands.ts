import * as vscode from 'vscode';
import type { Logger } from '../common/logger';

/** The scopes Handoff asks GitHub for: pushing branches and opening pull requests. */
export const GITHUB_SCOPES = ['repo'];

/**
 * `handoff.signInToGitHub`: signs in through VS Code's GitHub authentication provider and says
 * who is signed in. VS Code keeps the token; Handoff neither logs nor stores it.
 */
export function registerGitHubCommands(logger: Logger): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('handoff.signInToGitHub', async () => {
      try {
        const session = await vscode.authentication.getSession('github', GITHUB_SCOPES, { createIfNone: true });
        logger.info(`Signed in to GitHub as ${session.account.label}.`);
        void vscode.window.showInformationMessage(`Handoff: signed in to GitHub as ${session.account.label}.`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`Handoff: GitHub sign-in did not complete: ${message}`);
      }
    }),
  ];
}
