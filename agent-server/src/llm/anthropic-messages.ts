/**
 * @module Our OpenAI-shaped prompt in Anthropic Messages form: the system prompt apart, tool
 * results as user `tool_result` blocks, consecutive same-role turns merged (Anthropic wants
 * user and assistant to alternate), and prompt-cache breakpoints on the stable prefix.
 */
import type {
  ContentBlockParam,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { LlmMessage, LlmRequest, LlmToolDefinition } from './llm-client';

/** The parts of a Messages request that come from our prompt. */
export interface AnthropicPrompt {
  system: TextBlockParam[] | undefined;
  messages: MessageParam[];
  tools: Tool[];
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Converts a request. With `cache`, three cache breakpoints mark the stable prefix (the tools,
 * the system prompt, and the last message, which the next call repeats), as OpenHands marks the
 * system message and the last user/tool message. Anthropic allows four.
 */
export function toAnthropicPrompt(request: LlmRequest, options: { cache: boolean }): AnthropicPrompt {
  const systemText = request.messages
    .filter((m): m is Extract<LlmMessage, { role: 'system' }> => m.role === 'system')
    .map((m) => m.content)
    .filter((text) => text.length > 0);
  const system: TextBlockParam[] | undefined =
    systemText.length === 0 ? undefined : systemText.map((text) => ({ type: 'text', text }));
  const messages = mergeTurns(request.messages.flatMap(toTurn));
  const tools = request.tools.map(toAnthropicTool);
  if (options.cache) {
    markLast(system);
    markLast(tools);
    markLast(messages.at(-1)?.content as { cache_control?: unknown }[] | undefined);
  }
  return { system, messages, tools };
}

function markLast(items: { cache_control?: unknown }[] | undefined): void {
  const last = items?.at(-1);
  if (last !== undefined) last.cache_control = EPHEMERAL;
}

function toAnthropicTool(tool: LlmToolDefinition): Tool {
  return {
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.parameters },
  };
}

/** Tool input must be a JSON object; arguments the model garbled are sent as an empty one. */
function inputOf(argumentsText: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsText);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

type Turn = { role: 'user' | 'assistant'; content: ContentBlockParam[] };

function toTurn(message: LlmMessage): Turn[] {
  switch (message.role) {
    case 'system':
      return [];
    case 'user':
      return message.content === ''
        ? []
        : [{ role: 'user', content: [{ type: 'text', text: message.content }] }];
    case 'tool':
      return [
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }],
        },
      ];
    case 'assistant': {
      const content: ContentBlockParam[] = [];
      if (message.content !== null && message.content !== '')
        content.push({ type: 'text', text: message.content });
      for (const call of message.toolCalls) {
        content.push({ type: 'tool_use', id: call.id, name: call.name, input: inputOf(call.arguments) });
      }
      // Anthropic refuses an empty turn; an answer with neither text nor calls carries nothing.
      return content.length === 0 ? [] : [{ role: 'assistant', content }];
    }
  }
}

/** Joins consecutive turns of one role. Tool results go first in a user turn, as Anthropic requires. */
function mergeTurns(turns: Turn[]): MessageParam[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const previous = merged.at(-1);
    if (previous?.role === turn.role) previous.content = [...previous.content, ...turn.content];
    else merged.push({ role: turn.role, content: [...turn.content] });
  }
  for (const turn of merged) {
    if (turn.role !== 'user') continue;
    const results = turn.content.filter((block) => block.type === 'tool_result');
    const rest = turn.content.filter((block) => block.type !== 'tool_result');
    turn.content = [...results, ...rest];
  }
  return merged;
}
