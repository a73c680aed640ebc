/**
 * @module Measurements of the event stream for `bench/`: throughput to one subscriber, replay
 * of a stored log, and the idle memory of the bundled server. Each one starts real servers on
 * 127.0.0.1 and uses a real `ws` client.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ReadyLineSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { RunningAgentServer } from '../agent-server';
import { startAgentServer } from '../agent-server';
import { silentLogger } from '../logger';
import { EventSocketClient } from './event-socket-client';
import { FakeSandboxClient } from './fake-sandbox-client';
import { floodMessage, floodRunner } from './flood-runner';
import { ScriptedLlmClient } from './scripted-llm-client';
import { inProcessConfig } from './in-process-config';

const KEY = 'stream-bench-session-key-0123';
const LLM = { model: 'openai-compatible/bench', baseUrl: 'http://127.0.0.1:9/v1' };

/** Throughput of the event stream to one subscriber. */
export interface WsThroughput {
  /** Events delivered per second (target ≥ 20,000). */
  eventsPerSecond: number;
  events: number;
  ms: number;
}

/** Replay of a stored log to a new subscriber. */
export interface ReplayTiming {
  /** Milliseconds from `hello` to the last event (target ≤ 200 for 10,000). */
  ms: number;
  events: number;
}

async function withServer<T>(run: (server: RunningAgentServer) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stream-bench-'));
  const server = await startAgentServer({
    config: inProcessConfig(KEY, dir, dir),
    logger: silentLogger,
    llmClientFactory: () => new ScriptedLlmClient([]),
    sandbox: new FakeSandboxClient(),
    runAgent: floodRunner,
  });
  try {
    return await run(server);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Appends `events` events (of `bytes` text each) to one conversation as fast as the durable log
 * takes them (fsync'ed, group-committed) and counts their arrival at one live `ws` subscriber.
 * A first round of a tenth of the events warms the process up and is not counted.
 */
export async function measureWsThroughput(events = 50_000, bytes = 64): Promise<WsThroughput> {
  return withServer(async (server) => {
    const { id } = await server.service.create({ llm: LLM });
    const client = new EventSocketClient(server.url, id, { key: KEY });
    await client.until((c) => c.frames.some((f) => f.type === 'welcome'));
    const warmup = Math.ceil(events / 10);
    await server.service.sendMessage(id, floodMessage(warmup, bytes));
    await client.until((c) => c.lastSeq === warmup + 1);
    await server.service.idle();
    const target = server.service.lastSeq(id) + 1 + events;
    const started = performance.now();
    await server.service.sendMessage(id, floodMessage(events, bytes));
    await client.until((c) => c.lastSeq === target);
    const ms = performance.now() - started;
    await client.disconnect();
    return { eventsPerSecond: Math.round(events / (ms / 1000)), events, ms: Math.round(ms) };
  });
}

/**
 * Stores `events` events, then times a new subscriber from `hello` to the last of them (after
 * one untimed subscriber has replayed them, so the process is warm).
 */
export async function measureReplay(events = 10_000, bytes = 64): Promise<ReplayTiming> {
  return withServer(async (server) => {
    const { id } = await server.service.create({ llm: LLM });
    await server.service.sendMessage(id, floodMessage(events - 1, bytes));
    await server.service.idle();
    const warm = new EventSocketClient(server.url, id, { key: KEY });
    await warm.until((c) => c.lastSeq === events);
    await warm.disconnect();
    const client = new EventSocketClient(server.url, id, { key: KEY });
    await client.until((c) => c.lastSeq === events);
    const ms = performance.now() - (client.helloSentAt ?? 0);
    await client.disconnect();
    return { ms: Math.round(ms * 10) / 10, events };
  });
}

const DEFAULT_BUNDLE = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Resident memory (MB) of the bundled agent server (`npm run build -w @handoff/agent-server`)
 * with one idle conversation loaded: created, then the server restarted so it loads from disk.
 */
export async function measureIdleRss(bundle = DEFAULT_BUNDLE): Promise<{ rssMb: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'idle-rss-'));
  try {
    const first = await spawnServer(bundle, dir);
    const response = await fetch(`http://127.0.0.1:${first.port}/api/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: KEY },
      body: JSON.stringify({ llm: LLM, title: 'idle' }),
    });
    if (response.status !== 201) throw new Error(`Creating the conversation failed: ${response.status}`);
    await first.stop();
    const second = await spawnServer(bundle, dir);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = await readFile(`/proc/${second.pid}/status`, 'utf8');
    await second.stop();
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { rssMb: Math.round((kb / 1024) * 10) / 10 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function spawnServer(
  bundle: string,
  dir: string,
): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [bundle], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HANDOFF_SESSION_API_KEY: KEY,
      HANDOFF_WORKSPACE: dir,
      HANDOFF_ACTION_SERVER_URL: 'http://127.0.0.1:9',
      HANDOFF_STATE_DIR: path.join(dir, 'state'),
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`The agent server exited with ${String(code)} before it was ready.`));
    });
  });
  const ready = ReadyLineSchema.parse(JSON.parse(line));
  return {
    port: ready.port,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
