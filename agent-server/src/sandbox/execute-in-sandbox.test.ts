import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_ACTION_MESSAGE } from '../agent/unanswered-actions';
import { ConversationService } from '../conversation/conversation-service';
import type { LogFields, Logger } from '../logger';
import { silentLogger } from '../logger';
import { FakeSandboxClient } from '../testing/fake-sandbox-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { executeInSandbox } from './execute-in-sandbox';
import { HttpSandboxClient, SandboxHttpError } from './sandbox-client';

const KEY = 'session-key-0123456789';

/** What the stand-in action server saw, in order. */
interface Seen {
  path: string;
  body: unknown;
  /** For `/execute_action`: resolves when the client closed the connection without an answer. */
  closedByClient?: Promise<void>;
}

/**
 * A stand-in action server: `/execute_action` never answers (a long command), `/interrupt`
 * answers `interruptStatus` with `{interrupted:true}`.
 */
async function hangingActionServer(interruptStatus = 200) {
  const seen: Seen[] = [];
  let commandArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (commandArrived = resolve));
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Seen = { path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      seen.push(entry);
      if (entry.path === '/execute_action') {
        entry.closedByClient = new Promise((resolve) => res.once('close', resolve));
        commandArrived();
        return;
      }
      res.writeHead(interruptStatus, { 'content-type': 'application/json' });
      res.end(
        interruptStatus === 200
          ? JSON.stringify({ interrupted: true })
          : JSON.stringify({ code: 'internal_error', message: 'no shell' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return { url, seen, arrived, close };
}

let dir: string;
const cleanups: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'interrupt-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

function recordingLogger(lines: { message: string; fields: LogFields | undefined }[]): Logger {
  const record = (message: string, fields?: LogFields) => lines.push({ message, fields });
  const logger: Logger = { debug: record, info: record, warn: record, error: record, child: () => logger };
  return logger;
}

async function conversationOn(url: string, logger: Logger = silentLogger) {
  const service = await ConversationService.open({
    stateDir: dir,
    workspace: '/workspace',
    sandbox: new HttpSandboxClient({ baseUrl: url, sessionApiKey: KEY }),
    llmClientFactory: () =>
      new ScriptedLlmClient([
        { toolCalls: [{ name: 'execute_bash', arguments: { command: 'sleep 1000', security_risk: 'LOW' } }] },
      ]),
    logger,
  });
  cleanups.push(() => service.close());
  const info = await service.create({
    llm: { model: 'openai/gpt-4o', apiKey: 'sk-test-0123456789' },
    initialMessage: 'wait',
  });
  return { service, id: info.id };
}

describe('interrupting a command in the sandbox', () => {
  it('cuts the HTTP call and posts /interrupt for the command’s session before the run pauses', async () => {
    const sandbox = await hangingActionServer();
    cleanups.push(sandbox.close);
    const { service, id } = await conversationOn(sandbox.url);
    await sandbox.arrived;

    const paused = await service.interrupt(id);

    expect(paused.state).toBe('paused');
    expect(sandbox.seen.map((s) => [s.path, s.body])).toEqual([
      ['/execute_action', { action: { type: 'run_command', command: 'sleep 1000' } }],
      ['/interrupt', { session: 'default' }],
    ]);
    await sandbox.seen[0]?.closedByClient;
    const events = service.readEvents(id, { afterSeq: 0, limit: 100 }).items;
    expect(events.flatMap((e) => (e.type === 'observation' ? [e.observation] : []))).toEqual([
      { type: 'tool_error', message: INTERRUPTED_ACTION_MESSAGE },
    ]);
  });

  it('still pauses, and logs why, when the interrupt call fails', async () => {
    const sandbox = await hangingActionServer(500);
    cleanups.push(sandbox.close);
    const lines: { message: string; fields: LogFields | undefined }[] = [];
    const { service, id } = await conversationOn(sandbox.url, recordingLogger(lines));
    await sandbox.arrived;

    expect((await service.interrupt(id)).state).toBe('paused');
    const warning = lines.find((line) => line.message === 'Could not interrupt the running command');
    expect(warning?.fields).toMatchObject({ session: 'default' });
    expect(warning?.fields?.['error']).toBeInstanceOf(SandboxHttpError);
  });

  it('interrupts the session the command ran in, and never for an editor call', async () => {
    let controller = new AbortController();
    const sandbox = new FakeSandboxClient((_action, options) => {
      controller.abort();
      options.signal.throwIfAborted();
      throw new Error('unreachable');
    });
    const call = () => ({ sandbox, signal: controller.signal, requestId: 'r', logger: silentLogger });
    await expect(
      executeInSandbox({ type: 'run_command', command: 'make', session: 'build' }, call()),
    ).rejects.toThrow();
    controller = new AbortController();
    await expect(
      executeInSandbox({ type: 'file_editor', command: 'view', path: 'a' }, call()),
    ).rejects.toThrow();
    expect(sandbox.interrupts).toEqual(['build']);
  });

  it('turns a sandbox failure of an editor call into a tool error the model reads', async () => {
    const sandbox = new FakeSandboxClient(() => {
      throw new SandboxHttpError(500, { code: 'internal_error', message: 'disk full' });
    });
    const observation = await executeInSandbox(
      { type: 'file_editor', command: 'create', path: 'a', fileText: '' },
      { sandbox, signal: new AbortController().signal, requestId: 'r', logger: silentLogger },
    );
    expect(observation).toEqual({
      type: 'tool_error',
      message:
        'The sandbox could not run the editor command: The action server answered HTTP 500 (internal_error): disk full',
    });
  });
});
