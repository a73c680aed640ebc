import { describe, expect, it } from 'vitest';
import { AgentServerError } from '../errors';
import { AnthropicLlmClient } from './anthropic-llm-client';
import { createLlmClient, resolveLlmRoute, validateLlmConfig } from './llm-route';
import { OpenAiLlmClient } from './openai-llm-client';

describe('LLM routing', () => {
  it('accepts each provider with what it needs', () => {
    expect(validateLlmConfig({ model: 'openai/gpt-4o', apiKey: 'k' })).toBeUndefined();
    expect(validateLlmConfig({ model: 'openai/gpt-4o', baseUrl: 'http://proxy' })).toBeUndefined();
    expect(validateLlmConfig({ model: 'anthropic/claude-sonnet-4', apiKey: 'k' })).toBeUndefined();
    expect(
      validateLlmConfig({
        model: 'azure/gpt-4o',
        apiKey: 'k',
        baseUrl: 'https://r.openai.azure.com',
        apiVersion: '2024-10-21',
      }),
    ).toBeUndefined();
    expect(
      validateLlmConfig({ model: 'openai-compatible/llama3', baseUrl: 'http://localhost:11434/v1' }),
    ).toBeUndefined();
  });

  it('names the supported prefixes for an unknown one', () => {
    expect(validateLlmConfig({ model: 'gemini/gemini-2.5-pro', apiKey: 'k' })).toBe(
      'Unsupported model "gemini/gemini-2.5-pro": the provider prefix must be one of "openai/<model>", "anthropic/<model>", "azure/<model>", "openai-compatible/<model>".',
    );
  });

  it('lists what an azure model is missing', () => {
    expect(validateLlmConfig({ model: 'azure/prod-4o', apiKey: 'k' })).toBe(
      'A "azure/<deployment-or-model>" model needs llm.baseUrl (the resource endpoint, e.g. https://<resource>.openai.azure.com), llm.apiVersion (e.g. 2024-10-21) and llm.apiKey; missing: llm.baseUrl, llm.apiVersion.',
    );
  });

  it('needs a base URL for a compatible server and a key for the hosted APIs', () => {
    expect(validateLlmConfig({ model: 'openai-compatible/llama3' })).toContain('missing: llm.baseUrl');
    expect(validateLlmConfig({ model: 'anthropic/claude-sonnet-4' })).toContain('missing: llm.apiKey');
    expect(validateLlmConfig({ model: 'openai/gpt-4o' })).toContain('missing: llm.apiKey');
  });

  it('throws invalid_request from resolve and create, and builds the right client', () => {
    const thrown = (() => {
      try {
        return resolveLlmRoute({ model: 'gemini/x', apiKey: 'k' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(AgentServerError);
    expect(thrown).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(createLlmClient({ model: 'anthropic/claude-sonnet-4', apiKey: 'k' })).toBeInstanceOf(
      AnthropicLlmClient,
    );
    expect(createLlmClient({ model: 'openai/gpt-4o', apiKey: 'k' })).toBeInstanceOf(OpenAiLlmClient);
    expect(
      createLlmClient({
        model: 'azure/gpt-4o',
        apiKey: 'k',
        baseUrl: 'https://r.openai.azure.com',
        apiVersion: 'v',
      }),
    ).toBeInstanceOf(OpenAiLlmClient);
  });

  it('splits the model at the first slash only', () => {
    expect(
      resolveLlmRoute({ model: 'openai-compatible/meta-llama/Llama-3-8B', baseUrl: 'http://vllm' }),
    ).toEqual({
      provider: 'openai-compatible',
      model: 'meta-llama/Llama-3-8B',
      baseUrl: 'http://vllm',
      apiKey: undefined,
    });
  });
});
