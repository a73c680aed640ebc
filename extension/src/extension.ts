import * as vscode from 'vscode';
import { connectToConversation } from './agent/agent-connection';
import { HttpAgentClient } from './agent/agent-http-client';
import { HttpRuntimeClient } from './agent/runtime-client';
import { SessionService } from './agent/session-service';
import { ChatViewProvider } from './chat-view/chat-view-provider';
import { ConversationStatusBar } from './chat-view/status-bar';
import { registerConversationCommands } from './commands/conversation-commands';
import { registerGitHubCommands } from './commands/github-commands';
import { registerSecretCommands } from './commands/secret-commands';
import { registerSolveCommands } from './commands/solve-command';
import { readHandoffSettings } from './common/settings';
import { VscodeWorkspaceState } from './common/workspace-state';
import { createWorkspaceHost } from './common/workspace-host';
import { ConversationArchive } from './history/conversation-archive';
import { HistoryService } from './history/history-service';
import { historyForChat, recordSessionHistory } from './history/session-history';
import { followSession } from './mirror/session-link';
import { createVscodeMirror } from './mirror/vscode-mirror-commands';

/** The composition root: builds every service once and hands each what it needs. */
export function activate(context: vscode.ExtensionContext): void {
  const logger = vscode.window.createOutputChannel('Handoff', { log: true });
  const session = new SessionService({
    readConfig: () => readHandoffSettings(context.secrets),
    createRuntimeClient: ({ baseUrl, apiKey }) => new HttpRuntimeClient({ baseUrl, apiKey }),
    createAgentClient: (sandbox) =>
      new HttpAgentClient({ baseUrl: sandbox.agentServerUrl, sessionApiKey: sandbox.sessionApiKey }),
    createEventStream: (sandbox, conversationId) => connectToConversation(sandbox, conversationId, logger),
    logger,
    workspace: createWorkspaceHost(),
  });
  const history = new HistoryService({
    archive: new ConversationArchive(context.globalStorageUri.fsPath, logger),
    findSandbox: (sandboxId) => session.findSandbox(sandboxId),
    logger,
  });
  const workspace = new VscodeWorkspaceState();
  const mirror = createVscodeMirror(logger);
  const chatHistory = historyForChat(history, session);
  const chatView = new ChatViewProvider({
    extensionUri: context.extensionUri,
    services: { session, history: chatHistory, workspace, review: mirror.mirror },
    logger,
  });
  context.subscriptions.push(
    logger,
    session,
    history,
    recordSessionHistory(session, history),
    workspace,
    ...mirror.disposables,
    followSession(session, mirror.mirror),
    chatView,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chatView),
    new ConversationStatusBar({ session, history: chatHistory, workspace }),
    ...registerConversationCommands({ session, log: logger }),
    ...registerSecretCommands(context.secrets),
    ...registerGitHubCommands(logger),
    ...registerSolveCommands({ secrets: context.secrets, logger, session, history }),
  );
}

/** Nothing to do: everything is in `context.subscriptions`. */
export function deactivate(): void {
  // Intentionally empty.
}
