import type { LlmConfig } from '@handoff/protocol';
import { AgentServerError } from '../errors';

/** Model prefixes the agent server can route, with what each needs. */
export const SUPPORTED_LLM_PROVIDERS = ['openai', 'openai-compatible'] as const;
/** A supported provider. */
export type LlmProvider = (typeof SUPPORTED_LLM_PROVIDERS)[number];

/** Where and how to reach the model of a conversation. Lives in memory only: it holds the key. */
export interface LlmRoute {
  provider: LlmProvider;
  /** The provider's model name (the part after `provider/`). */
  model: string;
  /** Endpoint; the provider default when absent. */
  baseUrl: string | undefined;
  /** The provider API key, when one was given. */
  apiKey: string | undefined;
}

function isSupported(provider: string): provider is LlmProvider {
  return (SUPPORTED_LLM_PROVIDERS as readonly string[]).includes(provider);
}

/**
 * Splits `provider/model` and checks the provider's needs. Throws `invalid_request` (400) for an
 * unknown provider, an `openai-compatible` model without `baseUrl`, or an `openai` model that
 * would reach api.openai.com without a key.
 */
export function resolveLlmRoute(config: LlmConfig): LlmRoute {
  const slash = config.model.indexOf('/');
  const provider = config.model.slice(0, slash);
  const model = config.model.slice(slash + 1);
  if (!isSupported(provider)) {
    const supported = SUPPORTED_LLM_PROVIDERS.map((p) => `"${p}/<model>"`).join(', ');
    throw new AgentServerError(
      'invalid_request',
      `Unsupported model provider "${provider}". Supported: ${supported}.`,
    );
  }
  if (provider === 'openai-compatible' && config.baseUrl === undefined) {
    throw new AgentServerError(
      'invalid_request',
      'An "openai-compatible/<model>" model needs llm.baseUrl, the endpoint of the server.',
    );
  }
  if (provider === 'openai' && config.baseUrl === undefined && config.apiKey === undefined) {
    throw new AgentServerError(
      'invalid_request',
      'An "openai/<model>" model needs llm.apiKey (or llm.baseUrl for a proxy that needs none).',
    );
  }
  return { provider, model, baseUrl: config.baseUrl, apiKey: config.apiKey };
}
