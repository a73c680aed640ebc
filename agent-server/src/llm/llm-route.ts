import type { LlmConfig } from '@handoff/protocol';
import { AgentServerError } from '../errors';
import { AnthropicLlmClient } from './anthropic-llm-client';
import type { LlmClient } from './llm-client';
import type { LlmClientOptions } from './llm-call';
import { OpenAiLlmClient } from './openai-llm-client';
import type { ModelPrice } from './pricing';

/** Model prefixes the agent server can route. */
export const SUPPORTED_LLM_PROVIDERS = ['openai', 'anthropic', 'azure', 'openai-compatible'] as const;
/** A supported provider. */
export type LlmProvider = (typeof SUPPORTED_LLM_PROVIDERS)[number];

/** Where and how to reach the model of a conversation. Lives in memory only: it holds the key. */
export interface LlmRoute {
  provider: LlmProvider;
  /** The provider's model name (the part after `provider/`); for Azure, the model or deployment. */
  model: string;
  /** Endpoint (Azure: the resource endpoint); the provider default when absent. */
  baseUrl: string | undefined;
  /** The provider API key, when one was given. */
  apiKey: string | undefined;
  /** Azure: the API version. */
  apiVersion?: string;
  /** Azure: the deployment (defaults to `model`). */
  deployment?: string;
  /** Sampling temperature. */
  temperature?: number;
  /** Most tokens one completion may produce. */
  maxOutputTokens?: number;
  /** Prices overriding the built-in table. */
  pricing?: ModelPrice;
}

const NEEDS: Record<LlmProvider, string> = {
  openai: 'llm.apiKey (or llm.baseUrl for a proxy that needs none)',
  anthropic: 'llm.apiKey (or llm.baseUrl for a proxy that needs none)',
  azure:
    'llm.baseUrl (the resource endpoint, e.g. https://<resource>.openai.azure.com), llm.apiVersion (e.g. 2024-10-21) and llm.apiKey',
  'openai-compatible': 'llm.baseUrl, the endpoint of the server (llm.apiKey only if it needs one)',
};

function isSupported(provider: string): provider is LlmProvider {
  return (SUPPORTED_LLM_PROVIDERS as readonly string[]).includes(provider);
}

function splitModel(model: string): { provider: string; name: string } {
  const slash = model.indexOf('/');
  return slash < 0
    ? { provider: model, name: '' }
    : { provider: model.slice(0, slash), name: model.slice(slash + 1) };
}

function missingFields(provider: LlmProvider, config: LlmConfig): string[] {
  const has = (value: string | undefined): boolean => value !== undefined && value !== '';
  switch (provider) {
    case 'openai':
    case 'anthropic':
      return has(config.apiKey) || has(config.baseUrl) ? [] : ['llm.apiKey'];
    case 'azure':
      return [
        ...(has(config.baseUrl) ? [] : ['llm.baseUrl']),
        ...(has(config.apiVersion) ? [] : ['llm.apiVersion']),
        ...(has(config.apiKey) ? [] : ['llm.apiKey']),
      ];
    case 'openai-compatible':
      return has(config.baseUrl) ? [] : ['llm.baseUrl'];
  }
}

/**
 * Why `config` cannot be routed (unknown provider prefix, or what its provider needs is
 * missing), in words for a 400 response; undefined when it can.
 */
export function validateLlmConfig(config: LlmConfig): string | undefined {
  const { provider, name } = splitModel(config.model);
  if (!isSupported(provider) || name === '') {
    const supported = SUPPORTED_LLM_PROVIDERS.map((p) => `"${p}/<model>"`).join(', ');
    return `Unsupported model "${config.model}": the provider prefix must be one of ${supported}.`;
  }
  const missing = missingFields(provider, config);
  if (missing.length === 0) return undefined;
  const shape = provider === 'azure' ? 'azure/<deployment-or-model>' : `${provider}/<model>`;
  return `A "${shape}" model needs ${NEEDS[provider]}; missing: ${missing.join(', ')}.`;
}

/** Splits `provider/model` and checks the provider's needs; throws `invalid_request` (400) when it cannot route. */
export function resolveLlmRoute(config: LlmConfig): LlmRoute {
  const problem = validateLlmConfig(config);
  if (problem !== undefined) throw new AgentServerError('invalid_request', problem);
  const { provider, name } = splitModel(config.model);
  return {
    provider: provider as LlmProvider,
    model: name,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    ...(config.apiVersion === undefined ? {} : { apiVersion: config.apiVersion }),
    ...(config.deployment === undefined ? {} : { deployment: config.deployment }),
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.maxOutputTokens === undefined ? {} : { maxOutputTokens: config.maxOutputTokens }),
    ...(config.pricing === undefined ? {} : { pricing: config.pricing }),
  };
}

/** The SDK client of a route: Anthropic's for `anthropic/`, OpenAI's (or Azure's) for the rest. */
export function createLlmClientForRoute(route: LlmRoute, options: LlmClientOptions = {}): LlmClient {
  return route.provider === 'anthropic'
    ? new AnthropicLlmClient(route, options)
    : new OpenAiLlmClient(route, options);
}

/**
 * The {@link LlmClient} of a conversation's LLM configuration, routed by the model prefix.
 * Throws `invalid_request` (400) with {@link validateLlmConfig}'s message when it cannot route.
 */
export function createLlmClient(config: LlmConfig, options: LlmClientOptions = {}): LlmClient {
  return createLlmClientForRoute(resolveLlmRoute(config), options);
}
