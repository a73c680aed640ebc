import { existsSync } from 'node:fs';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationInfoSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { SandboxInfo } from '@handoff/protocol';
import { startProcessHarness } from '../../testing/process-harness';
import type { ProcessHarness } from '../../testing/process-harness';

// The real bundles (`npm run build`), by path only: runtime-api imports nothing of theirs.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const entries = {
  actionServer: path.join(repo, 'sandbox/dist/main.js'),
  agentServer: path.join(repo, 'agent-server/dist/main.js'),
};
const built = existsSync(entries.actionServer) && existsSync(entries.agentServer);

let harness: ProcessHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function agent(info: SandboxInfo, route: string, init: RequestInit = {}) {
  return fetch(`${info.agentServerUrl}${route}`, {
    ...init,
    headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: info.sessionApiKey },
  });
}

describe.skipIf(!built)('pause/resume with the real agent server and action server', () => {
  it('keeps the conversation and the workspace across a pause', async () => {
    harness = await startProcessHarness({ entries });
    const h = harness;
    const info = (await (await h.call('POST', '/start', {})).json()) as SandboxInfo;
    const created = await agent(info, '/api/conversations', {
      method: 'POST',
      body: JSON.stringify({
        llm: { model: 'openai/none', apiKey: 'sk-unused', baseUrl: 'http://127.0.0.1:9' },
      }),
    });
    const conversation = ConversationInfoSchema.parse(await created.json());
    const file = path.join(h.sandboxRoot, info.id, 'workspace', 'kept.txt');
    await writeFile(file, 'kept');

    expect((await h.call('POST', '/pause', { id: info.id })).status).toBe(200);
    const frozen = agent(info, `/api/conversations/${conversation.id}`, { signal: AbortSignal.timeout(300) });
    await expect(frozen).rejects.toThrow(/aborted|timeout/i);

    expect((await h.call('POST', '/resume', { id: info.id })).status).toBe(200);
    const after = await agent(info, `/api/conversations/${conversation.id}`);
    expect(ConversationInfoSchema.parse(await after.json())).toEqual(conversation);
    expect(await readFile(file, 'utf8')).toBe('kept');
  });
});
