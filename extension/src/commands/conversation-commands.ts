import * as vscode from 'vscode';
import type { SessionService } from '../agent/session-service';
import { ChatViewProvider } from '../chat-view/chat-view-provider';

/** Options of {@link registerConversationCommands}. */
export interface ConversationCommandsOptions {
  session: Pick<SessionService, 'reset'>;
}

/** `handoff.newConversation`: clear the chat, stop the old sandbox, and show the view. */
export function registerConversationCommands(options: ConversationCommandsOptions): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('handoff.newConversation', async () => {
      await options.session.reset();
      await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
    }),
  ];
}
