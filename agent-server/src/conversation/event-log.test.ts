import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Event } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventLogOptions } from './event-log';
import { EventLog, EventLogClosedError, EventLogCorruptError } from './event-log';

let dir: string;
let file: string;
let opened: EventLog[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'event-log-'));
  file = path.join(dir, 'events.jsonl');
  opened = [];
});

afterEach(async () => {
  await Promise.all(opened.map((log) => log.close()));
  await rm(dir, { recursive: true, force: true });
});

const EventLogUnderTest = {
  async open(options: EventLogOptions): Promise<EventLog> {
    const log = await EventLog.open(options);
    opened.push(log);
    return log;
  },
};

const userMessage = (text: string) => ({ type: 'message', source: 'user', text }) as const;

describe('EventLog', () => {
  it('assigns seq 1, 2, 3 with a unique id and an ISO timestamp', async () => {
    const log = await EventLogUnderTest.open({ file });
    const events = await Promise.all([
      log.append(userMessage('a')),
      log.append(userMessage('b')),
      log.append(userMessage('c')),
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    for (const event of events) expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
    expect(log.lastSeq).toBe(3);
  });

  it('writes each event before publishing it, in seq order', async () => {
    const published: { seq: number; onDisk: number }[] = [];
    const log = await EventLogUnderTest.open({
      file,
      onAppend: (event) => {
        published.push({ seq: event.seq, onDisk: readFileSync(file, 'utf8').trim().split('\n').length });
      },
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(userMessage(`m${i}`))));
    expect(published.map((p) => p.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Group commit: a batch is on disk before its first event is published.
    expect(published.every((p) => p.onDisk >= p.seq)).toBe(true);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Event).seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('reloads from disk with the same events and continues the sequence', async () => {
    const first = await EventLogUnderTest.open({ file });
    await first.append(userMessage('one'));
    await first.append({ type: 'agent_state_changed', source: 'environment', state: 'running' });
    const second = await EventLogUnderTest.open({ file });
    expect(second.all()).toEqual(first.all());
    const next = await second.append(userMessage('three'));
    expect(next.seq).toBe(3);
  });

  it('drops a torn last line, truncates the file, and appends on a clean line after it', async () => {
    const log = await EventLogUnderTest.open({ file });
    await log.append(userMessage('kept'));
    const cleanSize = (await stat(file)).size;
    await appendFile(file, '{"type":"message","source":"user","te');
    const reloaded = await EventLogUnderTest.open({ file });
    expect(reloaded.all().map((e) => e.seq)).toEqual([1]);
    expect((await stat(file)).size).toBe(cleanSize);
    await reloaded.append(userMessage('after'));
    const again = await EventLogUnderTest.open({ file });
    expect(again.all().map((e) => e.type === 'message' && e.text)).toEqual(['kept', 'after']);
  });

  it('refuses a log whose middle is corrupt', async () => {
    const log = await EventLogUnderTest.open({ file });
    await log.append(userMessage('one'));
    await log.append(userMessage('two'));
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[0] = 'garbage';
    await writeFile(file, lines.join('\n'));
    await expect(EventLog.open({ file })).rejects.toBeInstanceOf(EventLogCorruptError);
  });

  it('reads pages after a seq, with filters and a next cursor', async () => {
    const log = await EventLogUnderTest.open({ file });
    for (let i = 0; i < 5; i += 1) {
      await log.append(userMessage(`u${i}`));
      await log.append({ type: 'message', source: 'agent', text: `a${i}` });
    }
    const page = log.read(0, 3);
    expect(page.items.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(page.nextAfterSeq).toBe(3);
    const rest = log.read(3, 100);
    expect(rest.items.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(rest.nextAfterSeq).toBeUndefined();
    const agentOnly = log.read(0, 2, { source: 'agent' });
    expect(agentOnly.items.map((e) => e.seq)).toEqual([2, 4]);
    expect(agentOnly.nextAfterSeq).toBe(4);
    expect(log.read(8, 10, { source: 'agent' }).items.map((e) => e.seq)).toEqual([10]);
    expect(log.read(0, 10, { type: 'error' }).items).toEqual([]);
  });

  it('group-commits concurrent appends: fewer synced writes than events, seq order kept', async () => {
    const order: number[] = [];
    const log = await EventLogUnderTest.open({ file, onAppend: (event) => order.push(event.seq) });
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(userMessage(`m${i}`))));
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(log.stats.events).toBe(200);
    expect(log.stats.batches).toBeLessThan(200);
    await log.append(userMessage('alone'));
    expect(log.stats.batches).toBeGreaterThan(0);
    const reloaded = await EventLogUnderTest.open({ file });
    expect(reloaded.all().map((e) => e.seq)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
  });

  it('drops a torn batch tail but keeps the complete records before it', async () => {
    const log = await EventLogUnderTest.open({ file });
    await Promise.all([log.append(userMessage('a')), log.append(userMessage('b'))]);
    const text = await readFile(file, 'utf8');
    // A crash in the middle of writing a batch of two: the second record is cut short.
    await writeFile(file, text.slice(0, text.length - 10));
    const reloaded = await EventLogUnderTest.open({ file });
    expect(reloaded.all().map((e) => e.seq)).toEqual([1]);
    expect((await reloaded.append(userMessage('c'))).seq).toBe(2);
  });

  it('refuses appends once closed', async () => {
    const log = await EventLog.open({ file });
    await log.close();
    await expect(log.append(userMessage('late'))).rejects.toBeInstanceOf(EventLogClosedError);
  });
});
