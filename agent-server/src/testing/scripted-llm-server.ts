/**
 * @module A real local HTTP server that speaks the OpenAI Chat Completions wire format and
 * replays a script: the stand-in for a model provider in tests that use the real SDK.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted tool call; `arguments` is JSON-encoded when it is an object. */
export interface ScriptedServerToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

/**
 * One scripted answer. An error answers with its HTTP status and an OpenAI error body. Note the
 * SDK retries 408, 409, 429 and 5xx: each retry takes the next turn.
 */
export type ScriptedLlmTurn = (
  | { text?: string; toolCalls?: ScriptedServerToolCall[] }
  | { error: { status: number; message: string; type?: string } }
) & {
  /** Wait this long before answering (to test interrupts and timeouts). */
  delayMs?: number;
};

/** A request the server received. */
export interface RecordedLlmRequest {
  /** The request path. */
  path: string;
  /** The parsed JSON body (as the SDK sent it). */
  body: Record<string, unknown>;
  /** The request headers (lower-case names). */
  headers: IncomingHttpHeaders;
}

/** A running scripted LLM server. */
export interface ScriptedLlmServer {
  /** Base URL to give the SDK, ending in `/v1`. */
  url: string;
  /** Every chat-completions request, in order. */
  requests: RecordedLlmRequest[];
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const COMPLETIONS_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

/** Starts the server on 127.0.0.1 and a free port. */
export async function startScriptedLlmServer(script: readonly ScriptedLlmTurn[]): Promise<ScriptedLlmServer> {
  const requests: RecordedLlmRequest[] = [];
  const handle = createHandler([...script], requests);
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'The scripted LLM server failed.', 'server_error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Answers each chat-completions request with the next turn, recording it first. */
function createHandler(turns: ScriptedLlmTurn[], requests: RecordedLlmRequest[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || !COMPLETIONS_PATHS.has(path)) {
      sendError(res, 404, `Unknown route ${req.method ?? ''} ${path}.`, 'invalid_request_error');
      return;
    }
    const body = parseBody(await readBody(req));
    if (body === undefined) {
      sendError(res, 400, 'The request body is not a JSON object.', 'invalid_request_error');
      return;
    }
    requests.push({ path, body, headers: req.headers });
    const turn = turns.shift();
    if (turn === undefined) {
      sendError(
        res,
        500,
        `Scripted LLM server: the script is exhausted (request ${requests.length}).`,
        'server_error',
      );
      return;
    }
    if (turn.delayMs !== undefined && !(await delay(turn.delayMs, req))) return;
    if ('error' in turn)
      sendError(res, turn.error.status, turn.error.message, turn.error.type ?? 'invalid_request_error');
    else if (body['stream'] === true) sendStream(res, turn, String(body['model']));
    else sendJson(res, 200, completion(turn, String(body['model'])));
  };
}

type Answer = { text?: string; toolCalls?: ScriptedServerToolCall[] };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves true after `ms`, or false as soon as the client goes away. */
function delay(ms: number, req: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(true);
    }, ms);
    req.socket.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, type: string): void {
  sendJson(res, status, { error: { message, type, param: null, code: null } });
}

let idCounter = 0;
function nextId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-scripted-${idCounter}`;
}

function argumentsText(call: ScriptedServerToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

function finishReason(turn: Answer): 'tool_calls' | 'stop' {
  return (turn.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop';
}

function completion(turn: Answer, model: string): unknown {
  const toolCalls = (turn.toolCalls ?? []).map((call) => ({
    id: nextId('call'),
    type: 'function',
    function: { name: call.name, arguments: argumentsText(call) },
  }));
  return {
    id: nextId('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: turn.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason(turn),
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

/** Splits `text` into up to `count` non-empty pieces, in order. */
export function pieces(text: string, count = 3): string[] {
  if (text.length === 0) return [];
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts;
}

/** The deltas of a streamed answer: role, text pieces, each tool call (id and name, then argument pieces), then the finish reason. */
function deltas(turn: Answer): { delta: Record<string, unknown>; finish_reason: string | null }[] {
  const out: { delta: Record<string, unknown>; finish_reason: string | null }[] = [
    { delta: { role: 'assistant', content: '' }, finish_reason: null },
  ];
  for (const piece of pieces(turn.text ?? '')) out.push({ delta: { content: piece }, finish_reason: null });
  for (const [index, call] of (turn.toolCalls ?? []).entries()) {
    const head = {
      index,
      id: nextId('call'),
      type: 'function',
      function: { name: call.name, arguments: '' },
    };
    out.push({ delta: { tool_calls: [head] }, finish_reason: null });
    for (const piece of pieces(argumentsText(call)))
      out.push({ delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null });
  }
  out.push({ delta: {}, finish_reason: finishReason(turn) });
  return out;
}

function sendStream(res: ServerResponse, turn: Answer, model: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const id = nextId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  for (const { delta, finish_reason } of deltas(turn)) {
    const chunk = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason, logprobs: null }],
    };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}
