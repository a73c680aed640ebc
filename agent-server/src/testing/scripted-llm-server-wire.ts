/**
 * @module What the scripted LLM server's two wire formats (OpenAI Chat Completions, Anthropic
 * Messages) share: the script's answer shape, token counts, ids, and how a response is written.
 */
import type { ServerResponse } from 'node:http';

/** One scripted tool call; `arguments` is JSON-encoded when it is an object. */
export interface ScriptedServerToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

/** Token counts a turn reports; OpenAI gets `prompt_tokens = input + cacheRead + cacheWrite`. */
export interface ScriptedUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** A scripted answer: text, visible reasoning (Anthropic thinking), tool calls. */
export interface ScriptedAnswer {
  text?: string;
  /** Streamed as Anthropic `thinking_delta` (OpenAI: `reasoning_content`). */
  thinking?: string;
  toolCalls?: ScriptedServerToolCall[];
}

/** Everything a wire format needs to answer one request. */
export interface AnswerContext {
  model: string;
  stream: boolean;
  usage: Required<ScriptedUsage>;
}

/** The error a fault answers with, per protocol. */
export interface WireError {
  status: number;
  type: string;
  message: string;
  /** OpenAI's `code`. */
  code?: string;
}

/** One wire format of the scripted server. */
export interface ScriptedWire {
  /** Writes a complete answer (SSE or JSON). */
  answer(res: ServerResponse, answer: ScriptedAnswer, context: AnswerContext): void;
  /** Writes an error response. */
  error(res: ServerResponse, error: WireError, headers?: Record<string, string>): void;
  /** Sends 200 SSE headers and the opening events, with `text` as a first piece when given. */
  openStream(res: ServerResponse, context: AnswerContext, text: string): void;
  /** Writes an error event into an open stream and ends it. */
  streamError(res: ServerResponse, error: WireError): void;
  /** The provider's body for each fault. */
  faults: {
    rateLimit: WireError;
    serverError: WireError;
    contextOverflow: WireError;
    overloaded: WireError;
  };
  /** The error type a scripted `{ error: { status } }` gets when it names none. */
  defaultErrorType(status: number): string;
}

let idCounter = 0;
/** A unique id with a provider-like prefix. */
export function nextId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-scripted-${idCounter}`;
}

/** The JSON text of a scripted call's arguments. */
export function argumentsText(call: ScriptedServerToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

/** Splits `text` into up to `count` non-empty pieces, in order. */
export function pieces(text: string, count = 3): string[] {
  if (text.length === 0) return [];
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts;
}

/**
 * The turn's usage, or a deterministic estimate (one token per four characters of the prompt,
 * and of the answer) so that prompts that grow report growing counts.
 */
export function usageOf(
  scripted: ScriptedUsage | undefined,
  body: Record<string, unknown>,
  answer: ScriptedAnswer,
): Required<ScriptedUsage> {
  if (scripted !== undefined) return { cacheRead: 0, cacheWrite: 0, ...scripted };
  const prompt = JSON.stringify([body['system'] ?? null, body['messages'] ?? null, body['tools'] ?? null]);
  const output =
    (answer.text ?? '') + (answer.thinking ?? '') + (answer.toolCalls ?? []).map(argumentsText).join('');
  return {
    input: Math.ceil(prompt.length / 4),
    output: Math.max(1, Math.ceil(output.length / 4)),
    cacheRead: 0,
    cacheWrite: 0,
  };
}

/** Sends a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Sends the headers of an SSE stream. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
}
