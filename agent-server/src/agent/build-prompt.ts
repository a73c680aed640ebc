import type { LlmRequest } from '../llm/llm-client';
import type { AgentRun } from './agent-run';
import { eventsToMessages } from './history';
import { withRecalledKnowledge } from './repo-instructions';
import { maskStrings } from './secret-masker';
import { toTextToolMessages } from './text-tool-calling';
import { condensedView } from './view';

/** A prompt ready to send. */
export interface Prompt {
  request: LlmRequest;
  /** Rough size in tokens (characters / 4), for the context-window check. */
  estimatedTokens: number;
  /** The highest `seq` the prompt was built from. */
  promptSeq: number;
}

/** Whether the model is driven through the text format instead of native tool calls. */
export function usesTextToolCalls(run: AgentRun): boolean {
  return run.ctx.llmConfig.nativeToolCalling === false;
}

/**
 * The next prompt: the system prompt, then the condensed history with recalled knowledge, in
 * native or text tool-call form, with every secret value masked.
 */
export function buildPrompt(run: AgentRun): Prompt {
  const events = run.ctx.events.all();
  const history = withRecalledKnowledge(condensedView(events), run.instructions);
  const messages = [{ role: 'system' as const, content: run.systemPrompt }, ...eventsToMessages(history)];
  const tools = [...run.ctx.tools];
  const request: LlmRequest = usesTextToolCalls(run)
    ? { messages: toTextToolMessages(messages, tools), tools: [] }
    : { messages, tools };
  const masked = maskStrings(request, run.masker);
  return {
    request: masked,
    estimatedTokens: estimateTokens(masked),
    promptSeq: events[events.length - 1]?.seq ?? 0,
  };
}

/** About four characters per token, the usual rule of thumb for English and code. */
export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}
