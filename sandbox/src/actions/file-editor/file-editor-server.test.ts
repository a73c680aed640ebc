import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecuteActionResponseSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { ExecuteActionRequest, FileEditorAction, FileEditorObservation } from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionKey } from '../../testing/session-key';
import { spawnActionServer } from '../../testing/spawn-action-server';
import { startTestServer } from '../../testing/start-test-server';
import type { TestServer } from '../../testing/start-test-server';
import { createTempWorkspace } from '../../testing/temp-workspace';

async function editorCall(
  call: (request: ExecuteActionRequest) => Promise<Response>,
  action: Omit<FileEditorAction, 'type'>,
): Promise<FileEditorObservation> {
  const response = await call({ action: { type: 'file_editor', ...action } });
  expect(response.status).toBe(200);
  const { observation } = ExecuteActionResponseSchema.parse(await response.json());
  if (observation.type !== 'file_editor')
    throw new Error(`expected a file_editor observation, got ${observation.type}`);
  return observation;
}

describe('file_editor through POST /execute_action', () => {
  let server: TestServer;
  const edit = (action: Omit<FileEditorAction, 'type'>) =>
    editorCall((request) => server.executeAction(request), action);

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it('creates, views, edits and undoes a file', async () => {
    const file = path.join(server.workspace, 'app/main.py');
    expect(await edit({ command: 'create', path: 'app/main.py', fileText: 'print(1)\n' })).toEqual({
      type: 'file_editor',
      command: 'create',
      path: file,
      isError: false,
      output: `File created successfully at: ${file}`,
      diff: '--- /dev/null\n+++ b/app/main.py\n@@ -0,0 +1 @@\n+print(1)\n',
      changes: [
        {
          path: 'app/main.py',
          kind: 'created',
          sha256: createHash('sha256').update('print(1)\n').digest('hex'),
          size: 9,
          executable: false,
        },
      ],
    });
    expect((await edit({ command: 'view', path: file })).output).toBe(
      `Here's the result of running \`cat -n\` on ${file}:\n     1\tprint(1)\n     2\t\n`,
    );
    const replaced = await edit({
      command: 'str_replace',
      path: file,
      oldStr: 'print(1)',
      newStr: 'print(2)',
    });
    expect(replaced.output).toContain(`The file ${file} has been edited.`);
    expect(await readFile(file, 'utf8')).toBe('print(2)\n');
    await edit({ command: 'undo_edit', path: file });
    expect(await readFile(file, 'utf8')).toBe('print(1)\n');
  });

  it('answers a refusal as an observation with isError, not an HTTP error', async () => {
    const observation = await edit({ command: 'view', path: '/etc/passwd' });
    expect(observation.isError).toBe(true);
    expect(observation.output).toContain(`Only ${server.workspace} and below it are allowed`);
  });

  it('answers a malformed editor action with 400', async () => {
    const post = (action: unknown) =>
      fetch(`${server.url}/execute_action`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: server.sessionApiKey },
        body: JSON.stringify({ action }),
      });
    expect((await post({ type: 'file_editor', command: 'view' })).status).toBe(400);
    expect((await post({ type: 'file_editor', command: 'delete', path: 'x' })).status).toBe(400);
    expect((await post({ type: 'file_editor', command: 'view', path: 'x', old_str: 'y' })).status).toBe(400);
    expect((await post({ type: 'file_editor', command: 'view', path: 'x', viewRange: [1] })).status).toBe(
      400,
    );
  });

  it('takes a create of a large file', async () => {
    const fileText = '"quoted" \\ line\n'.repeat(400_000);
    const observation = await edit({ command: 'create', path: 'big.txt', fileText });
    expect(observation.isError).toBe(false);
    expect(await readFile(path.join(server.workspace, 'big.txt'), 'utf8')).toBe(fileText);
  });

  it('measures str_replace on a 2,000-line file over loopback (reported, not asserted)', async () => {
    const file = path.join(server.workspace, 'bench.ts');
    await writeFile(file, Array.from({ length: 2000 }, (_, i) => `const value${i} = ${i};\n`).join(''));
    const timings: number[] = [];
    for (let round = 0; round < 220; round++) {
      const from = round % 2 === 0 ? 'value1000 = 1000' : 'value1000 = 1001';
      const to = round % 2 === 0 ? 'value1000 = 1001' : 'value1000 = 1000';
      const started = performance.now();
      const observation = await edit({ command: 'str_replace', path: file, oldStr: from, newStr: to });
      if (round >= 20) timings.push(performance.now() - started);
      expect(observation.isError).toBe(false);
    }
    timings.sort((a, b) => a - b);
    const p50 = timings[Math.floor(timings.length / 2)] ?? 0;
    const p95 = timings[Math.floor(timings.length * 0.95)] ?? 0;
    console.info(
      `str_replace on 2,000 lines via POST /execute_action: p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`,
    );
  });
});

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

describe('atomic writes in the built server', () => {
  it.runIf(hasPrlimit)('leaves the original intact when the write fails (file size limit)', async () => {
    const workspace = await createTempWorkspace();
    const key = newSessionKey();
    const server = await spawnActionServer({
      HANDOFF_SESSION_API_KEY: key,
      HANDOFF_WORKSPACE: workspace.path,
    });
    try {
      const file = path.join(workspace.path, 'f.txt');
      const original = `${'keep me\n'.repeat(100)}the marker\n`;
      await writeFile(file, original);
      // From now on the server may not write files larger than 4 KiB: the temp file write fails with EFBIG.
      execFileSync('prlimit', [`--pid=${server.child.pid}`, '--fsize=4096']);
      const observation = await editorCall(
        (request) =>
          fetch(`${server.url}/execute_action`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: key },
            body: JSON.stringify(request),
          }),
        {
          command: 'str_replace',
          path: file,
          oldStr: 'the marker',
          newStr: 'x'.repeat(8000),
        },
      );
      expect(observation.isError).toBe(true);
      expect(observation.output).toMatch(/^ERROR:\nRan into EFBIG.* while trying to write to /);
      expect(await readFile(file, 'utf8')).toBe(original);
      expect(await readdir(workspace.path)).toEqual(['f.txt']);
    } finally {
      await server.stop();
      await workspace.dispose();
    }
  });
});
