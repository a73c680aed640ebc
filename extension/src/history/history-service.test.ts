import { mkdtemp, readFile, rm, writeFile, mkdir, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aMessageEvent, anAgentStateEvent, anActionEvent, anLlmUsageEvent } from '@handoff/protocol/testing';
import type { SandboxInfo } from '@handoff/protocol';
import { silentLogger } from '../common/logger';
import { aSandboxInfo } from '../testing/fake-clients';
import { ConversationArchive } from './conversation-archive';
import { HistoryService } from './history-service';
import { MAX_TITLE_LENGTH, UNTITLED, shortenTitle } from './conversation-summary';

let root: string;
const sandboxes = new Map<string, SandboxInfo>();
let lookupError: Error | undefined;

function aHistory(): HistoryService {
  return new HistoryService({
    archive: new ConversationArchive(root, silentLogger),
    findSandbox: (id) => (lookupError ? Promise.reject(lookupError) : Promise.resolve(sandboxes.get(id))),
    logger: silentLogger,
  });
}

const ref = { conversationId: 'conv-1', sandboxId: 'sbx-1' };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'handoff-history-'));
  sandboxes.clear();
  lookupError = undefined;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('HistoryService', () => {
  it('archives every event in order and summarizes title, status, cost and tokens', async () => {
    const history = aHistory();
    const events = [
      aMessageEvent({ seq: 1, text: 'Add a   README\nwith usage' }),
      anAgentStateEvent({ seq: 2, state: 'running' }),
      anActionEvent({ seq: 3 }),
      anLlmUsageEvent({ seq: 4 }),
      anAgentStateEvent({ seq: 5, state: 'finished' }),
    ];
    for (const event of events) history.record(ref, event);
    await history.whenIdle();
    expect(await history.events('conv-1')).toEqual(events);
    const lines = (await readFile(join(root, 'conversations', 'conv-1.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(events);
    expect(history.list()).toEqual([
      {
        conversationId: 'conv-1',
        sandboxId: 'sbx-1',
        title: 'Add a README with usage',
        status: 'finished',
        live: true,
        createdAt: events[0]?.timestamp,
        updatedAt: events[4]?.timestamp,
        costUsd: 0.0038,
        tokens: 1280,
      },
    ]);
  });

  it('skips events already archived, as when a reopened conversation streams from the start', async () => {
    const first = aHistory();
    const events = [aMessageEvent({ seq: 1 }), anActionEvent({ seq: 2 })];
    for (const event of events) first.record(ref, event);
    await first.whenIdle();
    // A new window: the archive is read back, and a replay from seq 0 adds only what is new.
    const second = aHistory();
    const third = anAgentStateEvent({ seq: 3, state: 'awaiting_user_input' });
    for (const event of [...events, third]) second.record(ref, event);
    await second.whenIdle();
    expect(await second.events('conv-1')).toEqual([...events, third]);
    expect((await second.get('conv-1'))?.status).toBe('awaiting_user_input');
  });

  it('lists conversations newest first and tells listeners of changes', async () => {
    const history = aHistory();
    let changes = 0;
    history.onDidChange(() => {
      changes += 1;
    });
    history.record(ref, aMessageEvent({ seq: 1, timestamp: '2026-01-01T00:00:00.000Z' }));
    history.record(
      { conversationId: 'conv-2', sandboxId: 'sbx-2' },
      aMessageEvent({ seq: 1, timestamp: '2026-01-02T00:00:00.000Z' }),
    );
    await history.whenIdle();
    expect(history.list().map((item) => item.conversationId)).toEqual(['conv-2', 'conv-1']);
    expect(changes).toBeGreaterThan(0);
  });

  it('marks conversations whose sandbox is gone as not live, and keeps the state when runtime-api cannot say', async () => {
    const history = aHistory();
    history.record(ref, aMessageEvent({ seq: 1 }));
    history.record({ conversationId: 'conv-2', sandboxId: 'sbx-2' }, aMessageEvent({ seq: 1 }));
    history.record({ conversationId: 'conv-3', sandboxId: 'sbx-3' }, aMessageEvent({ seq: 1 }));
    sandboxes.set('sbx-1', aSandboxInfo({ id: 'sbx-1', status: 'paused' }));
    sandboxes.set('sbx-3', aSandboxInfo({ id: 'sbx-3', status: 'stopped' }));
    await history.refreshLive();
    const live = Object.fromEntries(history.list().map((item) => [item.conversationId, item.live]));
    expect(live).toEqual({ 'conv-1': true, 'conv-2': false, 'conv-3': false });
    lookupError = new Error('runtime-api is down');
    await history.refreshLive();
    expect((await history.get('conv-1'))?.live).toBe(true);
    // The index on disk says the same.
    expect((await aHistory().get('conv-2'))?.live).toBe(false);
  });

  it('survives an unreadable index and a torn last line in an archive', async () => {
    await mkdir(join(root, 'conversations'), { recursive: true });
    await writeFile(join(root, 'index.json'), '{"version":1,"items":[{"broken":true}]', 'utf8');
    const event = aMessageEvent({ seq: 1 });
    await appendFile(join(root, 'conversations', 'conv-1.jsonl'), `${JSON.stringify(event)}\n{"id":"ev`, 'utf8');
    const history = aHistory();
    expect(await history.events('conv-1')).toEqual([event]);
    expect(history.list()).toEqual([]);
    const next = anActionEvent({ seq: 2 });
    history.record(ref, next);
    await history.whenIdle();
    expect(await history.events('conv-1')).toEqual([event, next]);
  });
});

describe('shortenTitle', () => {
  it('keeps one line and cuts long messages at a word', () => {
    expect(shortenTitle('  fix\n\nthe bug  ')).toBe('fix the bug');
    expect(shortenTitle('   ')).toBe(UNTITLED);
    const long = shortenTitle('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    expect(long.endsWith('word…')).toBe(true);
  });
});
