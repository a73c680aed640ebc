import * as vscode from 'vscode';
import { SecretKey } from '../common/settings';

interface SecretPrompt {
  command: string;
  key: SecretKey;
  what: string;
  prompt: string;
}

const PROMPTS: readonly SecretPrompt[] = [
  {
    command: 'handoff.setRuntimeApiKey',
    key: SecretKey.runtimeApiKey,
    what: 'Runtime API key',
    prompt: 'The key of the Handoff runtime API (sent as X-API-Key). Leave empty to remove it.',
  },
  {
    command: 'handoff.setLlmApiKey',
    key: SecretKey.llmApiKey,
    what: 'LLM API key',
    prompt:
      "Your model provider's API key, passed to the agent for this conversation. Leave empty to remove it.",
  },
];

/** `handoff.setRuntimeApiKey` and `handoff.setLlmApiKey`: ask with a password box, keep in SecretStorage. */
export function registerSecretCommands(secrets: vscode.SecretStorage): vscode.Disposable[] {
  return PROMPTS.map((prompt) =>
    vscode.commands.registerCommand(prompt.command, async () => {
      await askAndStore(secrets, prompt);
    }),
  );
}

async function askAndStore(secrets: vscode.SecretStorage, prompt: SecretPrompt): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: `Handoff: ${prompt.what}`,
    prompt: prompt.prompt,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  const trimmed = value.trim();
  if (trimmed === '') {
    await secrets.delete(prompt.key);
    void vscode.window.showInformationMessage(`Handoff: ${prompt.what} removed.`);
    return;
  }
  await secrets.store(prompt.key, trimmed);
  void vscode.window.showInformationMessage(`Handoff: ${prompt.what} saved.`);
}
