import { describe, expect, it } from 'vitest';
import { aSessionConfig } from '../testing/fake-clients';
import { buildCreateConversationRequest } from './conversation-request';
import type { ConversationSettings } from './conversation-request';

function build(overrides: Partial<ConversationSettings>) {
  return buildCreateConversationRequest(aSessionConfig(overrides), 'go');
}

function errorOf(overrides: Partial<ConversationSettings>): unknown {
  try {
    build(overrides);
  } catch (error) {
    return error;
  }
  throw new Error('expected the settings to be refused');
}

describe('buildCreateConversationRequest', () => {
  it('maps the defaults: no budget cap, policy never, 100 iterations', () => {
    expect(build({})).toEqual({
      llm: { model: 'openai/gpt-4o', apiKey: 'llm-key' },
      initialMessage: 'go',
      maxIterations: 100,
      confirmationPolicy: { type: 'never' },
    });
  });

  it('maps always and risky, and a budget', () => {
    expect(build({ confirmationPolicy: 'always' }).confirmationPolicy).toEqual({ type: 'always' });
    expect(build({ confirmationPolicy: 'risky', maxBudgetUsd: 0.5 })).toMatchObject({
      confirmationPolicy: { type: 'risky', threshold: 'MEDIUM' },
      maxBudgetUsd: 0.5,
    });
  });

  it.each([
    [{ llm: { model: 'gpt-4o' } }, 'handoff.model'],
    [{ llm: { model: 'openai/gpt-4o', baseUrl: 'not a url' } }, 'handoff.llmBaseUrl'],
    [
      { llm: { model: 'azure/gpt-4o', baseUrl: 'https://r.openai.azure.com', apiVersion: '' } },
      'handoff.azureApiVersion',
    ],
    [{ maxIterations: 0 }, 'handoff.maxIterations'],
    [{ maxIterations: 2.5 }, 'handoff.maxIterations'],
    [{ maxIterations: 5000 }, 'handoff.maxIterations'],
    [{ maxBudgetUsd: -1 }, 'handoff.maxBudgetUsd'],
    [{ confirmationPolicy: 'sometimes' as never }, 'handoff.confirmationPolicy'],
  ])('names the setting to fix for %j', (overrides, setting) => {
    const error = errorOf(overrides);
    expect(error).toMatchObject({ code: 'invalid_request' });
    expect((error as Error).message).toContain(`The setting ${setting} is invalid`);
  });

  it.each(['azure/gpt-4o', 'openai-compatible/llama3'])('asks for handoff.llmBaseUrl for %s', (model) => {
    const error = errorOf({ llm: { model } });
    expect(error).toMatchObject({ code: 'not_configured' });
    expect((error as Error).message).toContain('handoff.llmBaseUrl');
  });

  it('takes anthropic models with the provider default endpoint', () => {
    expect(build({ llm: { model: 'anthropic/claude-sonnet-4-5' } }).llm).toEqual({
      model: 'anthropic/claude-sonnet-4-5',
    });
  });
});
