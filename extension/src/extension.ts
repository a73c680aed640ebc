import * as vscode from 'vscode';
import { AgentConnection } from './agent/agent-connection';
import { HttpAgentClient } from './agent/agent-http-client';
import { HttpRuntimeClient } from './agent/runtime-client';
import { SessionService } from './agent/session-service';
import { ChatViewProvider } from './chat-view/chat-view-provider';
import { registerConversationCommands } from './commands/conversation-commands';
import { registerSecretCommands } from './commands/secret-commands';
import { readHandoffSettings } from './common/settings';

/** The composition root: builds every service once and hands each what it needs. */
export function activate(context: vscode.ExtensionContext): void {
  const logger = vscode.window.createOutputChannel('Handoff', { log: true });
  const session = new SessionService({
    readConfig: () => readHandoffSettings(context.secrets),
    createRuntimeClient: ({ baseUrl, apiKey }) => new HttpRuntimeClient({ baseUrl, apiKey }),
    createAgentClient: (sandbox) =>
      new HttpAgentClient({ baseUrl: sandbox.agentServerUrl, sessionApiKey: sandbox.sessionApiKey }),
    createEventStream: (sandbox, conversationId) =>
      new AgentConnection({
        agentServerUrl: sandbox.agentServerUrl,
        conversationId,
        sessionApiKey: sandbox.sessionApiKey,
        logger,
      }),
    logger,
  });
  const chatView = new ChatViewProvider({ extensionUri: context.extensionUri, session, logger });
  context.subscriptions.push(
    logger,
    session,
    chatView,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chatView),
    ...registerConversationCommands({ session }),
    ...registerSecretCommands(context.secrets),
  );
}

/** Nothing to do: everything is in `context.subscriptions`. */
export function deactivate(): void {
  // Intentionally empty.
}
