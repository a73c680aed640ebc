import type { LlmConfig } from '@handoff/protocol';
import { AgentServerError } from '../errors';
import { validateLlmConfig } from '../llm/llm-route';

/** Throws `invalid_request` (400) for a model config no client can be built from. */
export function assertValidLlmConfig(config: LlmConfig): void {
  const problem = validateLlmConfig(config);
  if (problem !== undefined) throw new AgentServerError('invalid_request', problem);
}
