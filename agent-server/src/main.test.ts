import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ConversationInfoSchema,
  EventsPageSchema,
  ReadyLineSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedLlmServer } from './testing/scripted-llm-server';
import { startScriptedLlmServer } from './testing/scripted-llm-server';

const PART_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'main-test-session-key-0123';
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'agent-server-main-'));
  bundle = path.join(dir, 'main.js');
  await promisify(execFile)(process.execPath, ['../scripts/bundle-server.mjs', 'src/main.ts', bundle], {
    cwd: PART_ROOT,
  });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): {
  child: ChildProcess;
  stderr: string[];
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [bundle], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, stderr, exited };
}

function firstLine(child: ChildProcess): Promise<string> {
  if (child.stdout === null) throw new Error('no stdout');
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve) => lines.once('line', resolve));
}

/** A stand-in action server: every command prints "hi". */
async function actionServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          observation: {
            type: 'run_command',
            command: 'echo hi',
            session: 'default',
            status: 'completed',
            exitCode: 0,
            output: 'hi\n',
            timedOut: false,
            cwd: '/w',
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('main (the bundled server)', () => {
  it('exits 2 with a clear message for a bad configuration, printing nothing on stdout', async () => {
    const { child, stderr, exited } = start({ HANDOFF_SESSION_API_KEY: 'too-short' });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    expect(await exited).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.join('')).toMatch(/HANDOFF_SESSION_API_KEY.*HANDOFF_WORKSPACE/);
    expect(stderr.join('')).not.toContain('too-short');
  });

  it('prints the ready line, runs a task end to end, and exits 0 on SIGTERM', async () => {
    const llm: ScriptedLlmServer = await startScriptedLlmServer([
      { toolCalls: [{ name: 'execute_bash', arguments: { command: 'echo hi' } }] },
      { toolCalls: [{ name: 'finish', arguments: { message: 'Said hi.' } }] },
    ]);
    const action = await actionServer();
    const { child, stderr, exited } = start({
      HANDOFF_SESSION_API_KEY: KEY,
      HANDOFF_WORKSPACE: path.join(dir, 'workspace'),
      HANDOFF_ACTION_SERVER_URL: action.url,
      HANDOFF_STATE_DIR: path.join(dir, 'state'),
    });
    try {
      const ready = ReadyLineSchema.parse(JSON.parse(await firstLine(child)));
      const base = `http://127.0.0.1:${ready.port}`;
      expect(await (await fetch(`${base}/alive`)).json()).toEqual({ status: 'ok' });
      const headers = { [SESSION_API_KEY_HEADER]: KEY, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/conversations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          llm: { model: 'openai-compatible/scripted', baseUrl: llm.url, apiKey: 'sk-llm-key-0987654321' },
          initialMessage: 'say hi',
        }),
      });
      expect(created.status).toBe(201);
      const info = ConversationInfoSchema.parse(await created.json());
      let state = info.state;
      for (let i = 0; i < 100 && state !== 'finished'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        state = ConversationInfoSchema.parse(
          await (await fetch(`${base}/api/conversations/${info.id}`, { headers })).json(),
        ).state;
      }
      expect(state).toBe('finished');
      const events = EventsPageSchema.parse(
        await (await fetch(`${base}/api/conversations/${info.id}/events`, { headers })).json(),
      );
      expect(events.items.map((e) => e.type).filter((type) => type !== 'llm_usage')).toEqual([
        'message',
        'agent_state_changed',
        'action',
        'observation',
        'action',
        'message',
        'agent_state_changed',
      ]);
      expect(llm.requests[0]?.headers.authorization).toBe('Bearer sk-llm-key-0987654321');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const logs = stderr.join('');
      for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(logs).not.toContain(KEY);
      expect(logs).not.toContain('sk-llm-key');
    } finally {
      child.kill('SIGKILL');
      await llm.close();
      action.server.close();
      action.server.closeAllConnections();
    }
  }, 30_000);

  it('with LOG_JSON=1 writes JSON logs on stdout after the ready line, never a key or secret', async () => {
    const { child, stderr, exited } = start({
      HANDOFF_SESSION_API_KEY: KEY,
      HANDOFF_WORKSPACE: path.join(dir, 'workspace-json'),
      HANDOFF_ACTION_SERVER_URL: 'http://127.0.0.1:9',
      HANDOFF_STATE_DIR: path.join(dir, 'state-json'),
      LOG_JSON: '1',
    });
    const lines: string[] = [];
    if (child.stdout === null) throw new Error('no stdout');
    const firstSeen = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        resolve();
      });
    });
    try {
      await firstSeen;
      const ready = ReadyLineSchema.parse(JSON.parse(lines[0] ?? ''));
      const created = await fetch(`http://127.0.0.1:${ready.port}/api/conversations`, {
        method: 'POST',
        headers: { [SESSION_API_KEY_HEADER]: KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          llm: { model: 'openai/gpt-4o', apiKey: 'sk-json-log-key-0987654321' },
          secrets: { DB_PASSWORD: 'db-password-in-no-log' },
        }),
      });
      expect(created.status).toBe(201);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const logs = lines.slice(1);
      expect(logs.length).toBeGreaterThan(2);
      for (const line of logs)
        expect(JSON.parse(line)).toMatchObject({ level: expect.any(String) as unknown });
      expect(logs.join('\n')).toContain('Conversation created');
      expect(stderr.join('')).toBe('');
      const text = lines.join('\n');
      for (const secret of [KEY, 'sk-json-log-key', 'db-password-in-no-log'])
        expect(text).not.toContain(secret);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
