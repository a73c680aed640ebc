import * as vscode from 'vscode';
import type { SessionService } from '../agent/session-service';
import { toErrorBody } from '../agent/errors';
import { ChatViewProvider } from '../chat-view/chat-view-provider';

/** Options of {@link registerConversationCommands}. */
export interface ConversationCommandsOptions {
  session: Pick<SessionService, 'reset' | 'interrupt' | 'stopSandbox'>;
  /** The extension's log, shown by `handoff.openLogs`. */
  log: Pick<vscode.LogOutputChannel, 'show'>;
}

/**
 * `handoff.newConversation` (clear the chat; the old sandbox stays for the history until
 * runtime-api's idle policy pauses it), `handoff.stop` (interrupt the agent),
 * `handoff.stopSandbox` (stop and remove the sandbox), `handoff.openLogs`.
 */
export function registerConversationCommands(options: ConversationCommandsOptions): vscode.Disposable[] {
  const { session } = options;
  return [
    vscode.commands.registerCommand('handoff.newConversation', async () => {
      await session.reset();
      await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
    }),
    vscode.commands.registerCommand('handoff.stop', () => reportFailure(session.interrupt())),
    vscode.commands.registerCommand('handoff.stopSandbox', () => reportFailure(session.stopSandbox())),
    vscode.commands.registerCommand('handoff.openLogs', () => {
      options.log.show(true);
    }),
  ];
}

async function reportFailure(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (error) {
    void vscode.window.showErrorMessage(`Handoff: ${toErrorBody(error).message}`);
  }
}
