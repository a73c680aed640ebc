/**
 * @module Reads the extension's settings and secrets. Keys live only in SecretStorage: never
 * in settings, logs or URLs.
 */
import * as vscode from 'vscode';
import type { LlmConfig } from '@handoff/protocol';

/** SecretStorage keys. */
export const SecretKey = {
  runtimeApiKey: 'handoff.runtimeApiKey',
  llmApiKey: 'handoff.llmApiKey',
} as const;
/** A SecretStorage key. */
export type SecretKey = (typeof SecretKey)[keyof typeof SecretKey];

/** What a conversation start needs from settings and secrets. */
export interface HandoffSettings {
  runtimeApiUrl: string;
  runtimeApiKey: string | undefined;
  llm: LlmConfig;
}

const DEFAULT_RUNTIME_API_URL = 'http://127.0.0.1:3000';
const DEFAULT_MODEL = 'openai/gpt-4o';

/** Reads the `handoff.*` settings and the two secrets, now (they may change between conversations). */
export async function readHandoffSettings(secrets: vscode.SecretStorage): Promise<HandoffSettings> {
  const config = vscode.workspace.getConfiguration('handoff');
  const runtimeApiUrl = config.get<string>('runtimeApiUrl')?.trim() || DEFAULT_RUNTIME_API_URL;
  const model = config.get<string>('model')?.trim() || DEFAULT_MODEL;
  const baseUrl = config.get<string>('llmBaseUrl')?.trim() || undefined;
  const [runtimeApiKey, llmApiKey] = await Promise.all([
    secrets.get(SecretKey.runtimeApiKey),
    secrets.get(SecretKey.llmApiKey),
  ]);
  const llm: LlmConfig = { model };
  if (llmApiKey) llm.apiKey = llmApiKey;
  if (baseUrl) llm.baseUrl = baseUrl;
  return { runtimeApiUrl, runtimeApiKey: runtimeApiKey || undefined, llm };
}
