import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChangesResponseSchema,
  ExecuteActionResponseSchema,
  SESSION_API_KEY_HEADER,
} from '@handoff/protocol';
import type { Observation, SandboxAction } from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer } from '../testing/start-test-server';
import type { TestServer } from '../testing/start-test-server';

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

describe('workspace changes through the real HTTP server', () => {
  let server: TestServer;
  let signals: string;

  beforeAll(async () => {
    server = await startTestServer();
    signals = await mkdtemp(path.join(tmpdir(), 'handoff-signals-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(signals, { recursive: true, force: true });
  });

  async function act(action: SandboxAction): Promise<Observation> {
    const response = await server.executeAction({ action });
    expect(response.status).toBe(200);
    return ExecuteActionResponseSchema.parse(await response.json()).observation;
  }

  it('attaches what a command created to its observation', async () => {
    const observation = await act({ type: 'run_command', command: 'echo x > a.txt' });
    expect(observation).toMatchObject({
      type: 'run_command',
      changes: [{ path: 'a.txt', kind: 'created', sha256: sha256('x\n'), size: 2, executable: false }],
    });
  });

  it('leaves changes out when nothing changed', async () => {
    const observation = await act({ type: 'run_command', command: 'cat a.txt' });
    expect(observation.type).toBe('run_command');
    expect(observation).not.toHaveProperty('changes');
  });

  it('attaches what the editor wrote, and what a sed -i and an rm did', async () => {
    const created = await act({
      type: 'file_editor',
      command: 'create',
      path: 'notes.md',
      fileText: 'one\n',
    });
    expect(created).toMatchObject({
      changes: [{ path: 'notes.md', kind: 'created', sha256: sha256('one\n') }],
    });
    const edited = await act({ type: 'run_command', command: "sed -i 's/one/two/' notes.md && rm a.txt" });
    expect(edited).toMatchObject({
      changes: [
        { path: 'a.txt', kind: 'deleted' },
        { path: 'notes.md', kind: 'modified', sha256: sha256('two\n'), size: 4 },
      ],
    });
  });

  it('reports what a background process wrote after its action, with the next action', async () => {
    const go = path.join(signals, 'go');
    const started = await act({
      type: 'run_command',
      command: `(while [ ! -e ${go} ]; do sleep 0.05; done; echo late > bg.txt) > /dev/null 2>&1 &`,
    });
    expect(started).not.toHaveProperty('changes');
    await writeFile(go, '');
    // Polls for the file only, never for a time: then one action must report it.
    const written = (): Promise<string> => readFile(path.join(server.workspace, 'bg.txt'), 'utf8');
    await vi.waitFor(
      async () => {
        expect(await written()).toBe('late\n');
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(await act({ type: 'run_command', command: 'true' })).toMatchObject({
      changes: [{ path: 'bg.txt', kind: 'created', sha256: sha256('late\n') }],
    });
  });

  it('answers POST /changes/scan with the changes since the last scan', async () => {
    await writeFile(path.join(server.workspace, 'direct.txt'), 'direct');
    const response = await fetch(`${server.url}/changes/scan`, {
      method: 'POST',
      headers: { [SESSION_API_KEY_HEADER]: server.sessionApiKey },
    });
    expect(ChangesResponseSchema.parse(await response.json()).changes).toEqual([
      { path: 'direct.txt', kind: 'created', sha256: sha256('direct'), size: 6, executable: false },
    ]);
  });
});
