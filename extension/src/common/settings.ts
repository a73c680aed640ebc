/**
 * @module Reads the extension's settings and secrets. Keys live only in SecretStorage: never
 * in settings, logs or URLs.
 */
import * as vscode from 'vscode';
import type { EditMode, LlmConfig } from '@handoff/protocol';
import type { ConfirmationPolicySetting } from '../agent/conversation-request';
import type { SessionConfig } from '../agent/session-service';

/** SecretStorage keys. */
export const SecretKey = {
  runtimeApiKey: 'handoff.runtimeApiKey',
  llmApiKey: 'handoff.llmApiKey',
} as const;
/** A SecretStorage key. */
export type SecretKey = (typeof SecretKey)[keyof typeof SecretKey];

const DEFAULT_RUNTIME_API_URL = 'http://127.0.0.1:3000';
/** The model used when `handoff.model` is empty. */
export const DEFAULT_MODEL = 'openai/gpt-4o';
const DEFAULT_MAX_ITERATIONS = 100;
/** `handoff.maxUploadMb`'s default, as in package.json. */
const DEFAULT_MAX_UPLOAD_MB = 200;

/**
 * Reads the `handoff.*` settings and the two secrets, now (they may change between
 * conversations). Values are passed on as the user wrote them: the session checks them with
 * the protocol's schemas before it leases a sandbox, and names the setting that is wrong.
 */
export async function readHandoffSettings(secrets: vscode.SecretStorage): Promise<SessionConfig> {
  const config = vscode.workspace.getConfiguration('handoff');
  const runtimeApiUrl = config.get<string>('runtimeApiUrl')?.trim() || DEFAULT_RUNTIME_API_URL;
  const [runtimeApiKey, llmApiKey] = await Promise.all([
    secrets.get(SecretKey.runtimeApiKey),
    secrets.get(SecretKey.llmApiKey),
  ]);
  return {
    runtimeApiUrl,
    // `npm start` hands the key to the VS Code it launches through the environment; a key the
    // user set with "Handoff: Set Runtime API Key" wins.
    runtimeApiKey: runtimeApiKey || process.env['HANDOFF_RUNTIME_API_KEY'] || undefined,
    llm: readLlmConfig(config, llmApiKey),
    maxIterations: config.get<number>('maxIterations') ?? DEFAULT_MAX_ITERATIONS,
    maxBudgetUsd: config.get<number>('maxBudgetUsd') ?? 0,
    confirmationPolicy: config.get<ConfirmationPolicySetting>('confirmationPolicy') ?? 'never',
    maxUploadMb: config.get<number>('maxUploadMb') ?? DEFAULT_MAX_UPLOAD_MB,
  };
}

function readLlmConfig(config: vscode.WorkspaceConfiguration, apiKey: string | undefined): LlmConfig {
  const llm: LlmConfig = { model: config.get<string>('model')?.trim() || DEFAULT_MODEL };
  const baseUrl = config.get<string>('llmBaseUrl')?.trim();
  const apiVersion = config.get<string>('azureApiVersion')?.trim();
  if (apiKey) llm.apiKey = apiKey;
  if (baseUrl) llm.baseUrl = baseUrl;
  // The API version matters only to Azure; sending it elsewhere would be noise.
  if (apiVersion && llm.model.startsWith('azure/')) llm.apiVersion = apiVersion;
  return llm;
}

/** The `handoff.editMode` setting, now: `review` keeps the agent's edits for review, anything else applies them. */
export function readEditMode(): EditMode {
  return vscode.workspace.getConfiguration('handoff').get<string>('editMode') === 'review' ? 'review' : 'apply';
}
