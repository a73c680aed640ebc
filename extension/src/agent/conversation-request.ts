/**
 * @module Turns the user's settings into a `CreateConversationRequest` and checks it with the
 * protocol's schema before a sandbox is leased, so a bad setting fails at once and by name.
 */
import { CreateConversationRequestSchema } from '@handoff/protocol';
import type { ConfirmationPolicy, CreateConversationRequest, LlmConfig } from '@handoff/protocol';
import { HandoffError } from './errors';

/** The `handoff.confirmationPolicy` values. */
export const CONFIRMATION_POLICY_SETTINGS = ['never', 'always', 'risky'] as const;
/** A `handoff.confirmationPolicy` value. */
export type ConfirmationPolicySetting = (typeof CONFIRMATION_POLICY_SETTINGS)[number];

/** The conversation settings, as read (not yet checked). */
export interface ConversationSettings {
  /** The model and how to reach it. */
  llm: LlmConfig;
  /** `handoff.maxIterations`. */
  maxIterations: number;
  /** `handoff.maxBudgetUsd`; 0 means no cap. */
  maxBudgetUsd: number;
  /** `handoff.confirmationPolicy`. */
  confirmationPolicy: ConfirmationPolicySetting;
}

/** The setting (or command) the user changes to fix each field of the request. */
const SETTING_BY_FIELD: Readonly<Record<string, string>> = {
  model: 'handoff.model',
  baseUrl: 'handoff.llmBaseUrl',
  apiVersion: 'handoff.azureApiVersion',
  apiKey: 'LLM API key (run "Handoff: Set LLM API Key")',
  maxIterations: 'handoff.maxIterations',
  maxBudgetUsd: 'handoff.maxBudgetUsd',
  confirmationPolicy: 'handoff.confirmationPolicy',
};

/** Providers that have no default endpoint. */
const PROVIDERS_NEEDING_BASE_URL: ReadonlyMap<string, string> = new Map([
  ['azure', 'your Azure OpenAI endpoint, e.g. https://my-resource.openai.azure.com'],
  ['openai-compatible', 'the endpoint of the server, e.g. http://localhost:11434/v1'],
]);

/** The protocol's policy for a setting value; risky waits from MEDIUM up. */
function policyOf(setting: ConfirmationPolicySetting): ConfirmationPolicy {
  return setting === 'risky' ? { type: 'risky', threshold: 'MEDIUM' } : { type: setting };
}

function invalidSetting(setting: string, problem: string): HandoffError {
  return new HandoffError('invalid_request', `The setting ${setting} is invalid: ${problem}.`);
}

/**
 * Builds the create request for a conversation starting with `initialMessage`. Throws an
 * `invalid_request` {@link HandoffError} naming the setting to fix when it would not pass.
 */
export function buildCreateConversationRequest(
  settings: ConversationSettings,
  initialMessage: string,
): CreateConversationRequest {
  const draft = {
    llm: settings.llm,
    initialMessage,
    maxIterations: settings.maxIterations,
    // 0 is the settings' "no cap"; anything else goes to the schema, which rejects negatives.
    ...(settings.maxBudgetUsd === 0 ? {} : { maxBudgetUsd: settings.maxBudgetUsd }),
    confirmationPolicy: policyOf(settings.confirmationPolicy),
  };
  const parsed = CreateConversationRequestSchema.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    const field = String(path[0] === 'llm' ? (path[1] ?? 'model') : (path[0] ?? 'model'));
    throw invalidSetting(SETTING_BY_FIELD[field] ?? `handoff.${field}`, issue?.message ?? 'check its value');
  }
  checkEndpoint(parsed.data.llm);
  return parsed.data;
}

/** Azure and OpenAI-compatible models have no default endpoint: say so before a sandbox starts. */
function checkEndpoint(llm: LlmConfig): void {
  const provider = llm.model.slice(0, llm.model.indexOf('/'));
  const endpoint = PROVIDERS_NEEDING_BASE_URL.get(provider);
  if (endpoint === undefined || llm.baseUrl !== undefined) return;
  throw new HandoffError(
    'not_configured',
    `A "${provider}/…" model needs the setting handoff.llmBaseUrl: set it to ${endpoint}.`,
  );
}
