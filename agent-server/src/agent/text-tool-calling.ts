/**
 * @module The prompt-based fallback for models without native function calling (OpenHands
 * `fn_call_converter.py`): the tools are described in the system prompt, calls are written as
 * `<function=NAME><parameter=ARG>value</parameter></function>`, results come back as user
 * messages ("EXECUTION RESULT of [tool]:"), and the reply is parsed back into a tool call so
 * the rest of the loop is the same in both modes.
 */
import type { LlmMessage, LlmToolCall, LlmToolDefinition } from '../llm/llm-client';
import { IN_CONTEXT_EXAMPLE_SUFFIX, inContextExample } from './text-tool-examples';

interface JsonSchemaProperty {
  type?: string;
  description?: string;
  enum?: unknown[];
}

interface ToolSchema {
  properties: Record<string, JsonSchemaProperty>;
  required: string[];
}

function schemaOf(tool: LlmToolDefinition): ToolSchema {
  const parameters = tool.parameters as {
    properties?: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  return { properties: parameters.properties ?? {}, required: parameters.required ?? [] };
}

/** OpenHands' `convert_tools_to_description`. */
export function describeTools(tools: readonly LlmToolDefinition[]): string {
  return tools
    .map((tool, index) => {
      const { properties, required } = schemaOf(tool);
      let text = `---- BEGIN FUNCTION #${index + 1}: ${tool.name} ----\nDescription: ${tool.description}\nParameters:\n`;
      Object.entries(properties).forEach(([name, info], position) => {
        const status = required.includes(name) ? 'required' : 'optional';
        let description = info.description ?? 'No description provided';
        if (info.enum !== undefined)
          description += `\nAllowed values: [${info.enum.map((value) => `\`${String(value)}\``).join(', ')}]`;
        text += `  (${position + 1}) ${name} (${info.type ?? 'string'}, ${status}): ${description}\n`;
      });
      return `${text}---- END FUNCTION #${index + 1} ----\n`;
    })
    .join('\n');
}

/** OpenHands' `SYSTEM_PROMPT_SUFFIX_TEMPLATE` for these tools. */
export function systemPromptSuffix(tools: readonly LlmToolDefinition[]): string {
  return `
You have access to the following functions:

${describeTools(tools)}

If you choose to call a function ONLY reply in the following format with NO suffix:

<function=example_function_name>
<parameter=example_parameter_1>value_1</parameter>
<parameter=example_parameter_2>
This is the value for the second parameter
that can span
multiple lines
</parameter>
</function>

<IMPORTANT>
Reminder:
- Function calls MUST follow the specified format, start with <function= and end with </function>
- Required parameters MUST be specified
- Only call one function at a time
- You may provide optional reasoning for your function call in natural language BEFORE the function call, but NOT after.
- If there is no function call available, answer the question like normal with your current knowledge and do not tell the user about function calls
</IMPORTANT>
`;
}

/** OpenHands' `convert_tool_call_to_string`. */
function callToText(call: LlmToolCall): string {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = {};
  }
  let text = `<function=${call.name}>\n`;
  const entries = typeof args === 'object' && args !== null ? Object.entries(args) : [];
  for (const [name, value] of entries) {
    const rendered = typeof value === 'string' ? value : JSON.stringify(value);
    const multiline = typeof value === 'string' && value.includes('\n');
    text += `<parameter=${name}>${multiline ? '\n' : ''}${rendered}${multiline ? '\n' : ''}</parameter>\n`;
  }
  return `${text}</function>`;
}

/**
 * Rewrites a native prompt for a model without function calling (OpenHands'
 * `convert_fncall_messages_to_non_fncall_messages`).
 */
export function toTextToolMessages(
  messages: readonly LlmMessage[],
  tools: readonly LlmToolDefinition[],
): LlmMessage[] {
  const example = inContextExample(new Set(tools.map((tool) => tool.name)));
  const toolNames = new Map<string, string>();
  let firstUser = true;
  return messages.map((message): LlmMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content + systemPromptSuffix(tools) };
      case 'user': {
        if (!firstUser || example === '') return message;
        firstUser = false;
        return { role: 'user', content: example + message.content + IN_CONTEXT_EXAMPLE_SUFFIX };
      }
      case 'assistant': {
        if (message.toolCalls.length === 0) return message;
        for (const call of message.toolCalls) toolNames.set(call.id, call.name);
        const calls = message.toolCalls.map(callToText).join('\n\n');
        return {
          role: 'assistant',
          content: `${message.content ?? ''}\n\n${calls}`.trimStart(),
          toolCalls: [],
        };
      }
      case 'tool': {
        const name = toolNames.get(message.toolCallId) ?? 'function';
        return { role: 'user', content: `EXECUTION RESULT of [${name}]:\n${message.content}` };
      }
    }
  });
}

/** A call parsed out of a text reply, or why it could not be (OpenHands' `FunctionCallValidationError`). */
export type TextToolCall = { ok: true; call: LlmToolCall } | { ok: false; name: string; message: string };

/** A text reply split into the reasoning before the call and the call. */
export interface ParsedTextResponse {
  text: string;
  call?: TextToolCall;
}

/** OpenHands' `_fix_stopword`: some models stop before `</function>`. */
function fixStopword(content: string): string {
  if (content.split('<function=').length !== 2 || content.includes('</function>')) return content;
  return content.endsWith('</') ? `${content.trimEnd()}function>` : `${content}\n</function>`;
}

/** Parses the (first) function call out of a text reply, as `convert_non_fncall_messages_to_fncall_messages` does. */
export function parseTextToolCall(
  content: string,
  tools: readonly LlmToolDefinition[],
  callId: string,
): ParsedTextResponse {
  const fixed = fixStopword(content);
  const match = /<function=([^>]+)>\n?([\s\S]*?)<\/function>/.exec(fixed);
  if (match === null) return { text: content };
  const name = (match[1] ?? '').trim();
  const text = fixed.split('<function=')[0]?.trim() ?? '';
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) {
    const names = tools.map((candidate) => `'${candidate.name}'`).join(', ');
    return {
      text,
      call: { ok: false, name, message: `Function '${name}' not found in available tools: [${names}]` },
    };
  }
  const params = extractParameters(tool, match[2] ?? '');
  if (typeof params === 'string') return { text, call: { ok: false, name, message: params } };
  return { text, call: { ok: true, call: { id: callId, name, arguments: JSON.stringify(params) } } };
}

const pythonSet = (names: Iterable<string>): string =>
  `{${[...names].map((name) => `'${name}'`).join(', ')}}`;

/** OpenHands' `_extract_and_validate_params`; a string is the validation error. */
function extractParameters(tool: LlmToolDefinition, body: string): Record<string, unknown> | string {
  const { properties, required } = schemaOf(tool);
  const params: Record<string, unknown> = {};
  for (const match of body.matchAll(/<parameter=([^>]+)>([\s\S]*?)<\/parameter>/g)) {
    const name = match[1] ?? '';
    const raw = (match[2] ?? '').trim();
    const info = properties[name];
    if (info === undefined)
      return `Parameter '${name}' is not allowed for function '${tool.name}'. Allowed parameters: ${pythonSet(Object.keys(properties))}`;
    const value = convertParameter(name, raw, info);
    if (value instanceof ParameterError) return value.message;
    if (info.enum !== undefined && !info.enum.includes(value))
      return `Parameter '${name}' is expected to be one of [${info.enum.map((option) => `'${String(option)}'`).join(', ')}].`;
    params[name] = value;
  }
  const missing = required.filter((name) => !(name in params));
  if (missing.length > 0)
    return `Missing required parameters for function '${tool.name}': ${pythonSet(missing)}`;
  return params;
}

/** A parameter value that does not convert to its declared type. */
class ParameterError {
  constructor(readonly message: string) {}
}

/** Integers and arrays are converted as OpenHands does; everything else stays text. */
function convertParameter(name: string, raw: string, info: JsonSchemaProperty): unknown {
  if (info.type === 'integer') {
    return /^[+-]?\d+$/.test(raw)
      ? Number(raw)
      : new ParameterError(`Parameter '${name}' is expected to be an integer.`);
  }
  if (info.type === 'array') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return new ParameterError(`Parameter '${name}' is expected to be an array.`);
    }
  }
  return raw;
}
