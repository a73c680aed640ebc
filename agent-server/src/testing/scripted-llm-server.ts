/**
 * @module A real local HTTP server that speaks the OpenAI Chat Completions (`…/chat/completions`,
 * Azure deployments included) and Anthropic Messages (`…/messages`) wire formats and replays one
 * script for either: the stand-in for a model provider in tests that use the real SDKs. Each
 * request takes the next turn, faults included, so a client's retry takes the turn after a fault.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire } from './scripted-llm-server-anthropic';
import { openAiWire } from './scripted-llm-server-openai';
import type { AnswerContext, ScriptedAnswer, ScriptedUsage, ScriptedWire } from './scripted-llm-server-wire';
import { usageOf } from './scripted-llm-server-wire';

export { pieces } from './scripted-llm-server-wire';
export type { ScriptedAnswer, ScriptedServerToolCall, ScriptedUsage } from './scripted-llm-server-wire';

/** A provider failure, in the provider's own wire form. */
export type ScriptedFault =
  /** 429 with `retry-after` (seconds) or `retry-after-ms`, and the provider's rate-limit body. */
  | { fault: 'rate_limit'; retryAfterSec?: number; retryAfterMs?: number }
  /** 500 (or `status`) with the provider's server-error body. */
  | { fault: 'server_error'; status?: number }
  /**
   * 200 and the stream's opening (with `text` as a first piece), then silence; after `afterMs`
   * of silence the connection is dropped, without it the server waits until the client leaves.
   */
  | { fault: 'stall'; afterMs?: number; text?: string }
  /** The stream starts (with `text`), then an error event: Anthropic `overloaded_error`, OpenAI `server_error`. */
  | { fault: 'overloaded_mid_stream'; text?: string }
  /** 400 with the provider's prompt-too-long body (OpenAI `context_length_exceeded`). */
  | { fault: 'context_overflow' };

/** One scripted answer, error or fault, for whichever protocol asks. */
export type ScriptedLlmTurn = (
  ScriptedAnswer | { error: { status: number; message: string; type?: string } } | ScriptedFault
) & {
  /** Wait this long before answering (to test interrupts and timeouts). */
  delayMs?: number;
  /** Token counts to report; an estimate from the prompt and answer lengths when absent. */
  usage?: ScriptedUsage;
};

/** A request the server received. */
export interface RecordedLlmRequest {
  /** Which wire format it used. */
  protocol: 'openai' | 'anthropic';
  /** The request path (without the query). */
  path: string;
  /** The query string, e.g. `?api-version=2024-10-21`, or ''. */
  query: string;
  /** The parsed JSON body (as the SDK sent it). */
  body: Record<string, unknown>;
  /** The request headers (lower-case names). */
  headers: IncomingHttpHeaders;
  /** When it arrived (`Date.now()`). */
  receivedAt: number;
}

/** A running scripted LLM server. */
export interface ScriptedLlmServer {
  /** Base URL for the OpenAI SDK, ending in `/v1`. */
  url: string;
  /** `http://127.0.0.1:<port>`: the base URL for the Anthropic SDK, or an Azure endpoint. */
  origin: string;
  /** Every model request, in order. */
  requests: RecordedLlmRequest[];
  /** Turns not used yet. */
  readonly remaining: number;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startScriptedLlmServer(script: readonly ScriptedLlmTurn[]): Promise<ScriptedLlmServer> {
  const requests: RecordedLlmRequest[] = [];
  const turns = [...script];
  const handle = createHandler(turns, requests);
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent)
        openAiWire(false).error(res, {
          status: 500,
          type: 'server_error',
          message: 'The scripted LLM server failed.',
        });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    get remaining() {
      return turns.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function protocolOf(path: string): RecordedLlmRequest['protocol'] | undefined {
  if (path.endsWith('/chat/completions')) return 'openai';
  if (path.endsWith('/messages')) return 'anthropic';
  return undefined;
}

/** Answers each model request with the next turn, recording it first. */
function createHandler(turns: ScriptedLlmTurn[], requests: RecordedLlmRequest[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const protocol = protocolOf(url.pathname);
    if (req.method !== 'POST' || protocol === undefined) {
      openAiWire(false).error(res, {
        status: 404,
        type: 'invalid_request_error',
        message: `Unknown route ${req.method ?? ''} ${url.pathname}.`,
      });
      return;
    }
    const body = parseBody(await readBody(req));
    const wire = protocol === 'openai' ? openAiWire(includesUsage(body)) : anthropicWire;
    if (body === undefined) {
      wire.error(res, {
        status: 400,
        type: 'invalid_request_error',
        message: 'The request body is not a JSON object.',
      });
      return;
    }
    requests.push({
      protocol,
      path: url.pathname,
      query: url.search,
      body,
      headers: req.headers,
      receivedAt: Date.now(),
    });
    const turn = turns.shift();
    if (turn === undefined) {
      const message = `Scripted LLM server: the script is exhausted (request ${requests.length}).`;
      wire.error(res, { status: 500, type: wire.defaultErrorType(500), message });
      return;
    }
    if (turn.delayMs !== undefined && !(await delay(turn.delayMs, req))) return;
    const context: AnswerContext = {
      model: String(body['model']),
      stream: body['stream'] === true,
      usage: usageOf(turn.usage, body, 'fault' in turn || 'error' in turn ? {} : turn),
    };
    await answerTurn(turn, { req, res, wire, context });
  };
}

interface TurnContext {
  req: IncomingMessage;
  res: ServerResponse;
  wire: ScriptedWire;
  context: AnswerContext;
}

async function answerTurn(turn: ScriptedLlmTurn, { req, res, wire, context }: TurnContext): Promise<void> {
  if ('error' in turn) {
    const { status, message, type } = turn.error;
    wire.error(res, { status, message, type: type ?? wire.defaultErrorType(status) });
  } else if ('fault' in turn) {
    await answerFault(turn, { req, res, wire, context });
  } else {
    wire.answer(res, turn, context);
  }
}

async function answerFault(fault: ScriptedFault, { req, res, wire, context }: TurnContext): Promise<void> {
  switch (fault.fault) {
    case 'rate_limit': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      wire.error(res, wire.faults.rateLimit, headers);
      return;
    }
    case 'server_error':
      wire.error(res, { ...wire.faults.serverError, status: fault.status ?? 500 });
      return;
    case 'context_overflow':
      wire.error(res, wire.faults.contextOverflow);
      return;
    case 'overloaded_mid_stream':
      if (!context.stream) {
        wire.error(res, wire.faults.overloaded);
        return;
      }
      wire.openStream(res, context, fault.text ?? '');
      wire.streamError(res, wire.faults.overloaded);
      return;
    case 'stall':
      if (context.stream) wire.openStream(res, context, fault.text ?? '');
      else res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      if (await delay(fault.afterMs ?? Number.POSITIVE_INFINITY, req)) res.destroy();
      return;
  }
}

function includesUsage(body: Record<string, unknown> | undefined): boolean {
  const options = body?.['stream_options'];
  return (
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>)['include_usage'] === true
  );
}

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

/** Resolves true after `ms` (never for Infinity), or false as soon as the client goes away. */
function delay(ms: number, req: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          req.socket.off('close', onClose);
          resolve(true);
        }, ms)
      : undefined;
    req.socket.once('close', onClose);
  });
}
