import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LlmMessage } from '../llm/llm-client';
import { runScripted } from '../testing/agent-harness';
import { MAX_INSTRUCTIONS_CHARS, parseMicroagent } from './repo-instructions';

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'instructions-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
  await writeFile(path.join(workspace, file), text);
}

const system = (messages: readonly LlmMessage[] | undefined): string =>
  messages?.[0]?.role === 'system' ? messages[0].content : '';

describe('repository instructions', () => {
  beforeEach(async () => {
    await write('AGENTS.md', 'Run `npm test` before finishing.');
    await write('.openhands/microagents/repo.md', '---\ntype: repo\n---\nUse tabs.');
    await write(
      '.openhands/microagents/docker.md',
      '---\nname: docker\ntriggers:\n- docker\n- container\n---\nThe daemon runs rootless.',
    );
    await write('.openhands/microagents/db.md', '---\ntriggers: [postgres]\n---\nDB on port 5433.');
  });

  it('puts AGENTS.md and always-on microagents in the system prompt, and no triggered one unasked', async () => {
    const { llm } = await runScripted({
      steps: [{ text: 'ok' }],
      userMessage: 'fix the parser',
      context: { workspace },
    });
    const prompt = system(llm.requests[0]?.messages);
    expect(prompt).toContain(
      '<REPOSITORY_INSTRUCTIONS>\nRun `npm test` before finishing.\n\nUse tabs.\n</REPOSITORY_INSTRUCTIONS>',
    );
    expect(JSON.stringify(llm.requests[0])).not.toContain('rootless');
    expect(JSON.stringify(llm.requests[0])).not.toContain('5433');
  });

  it('recalls a keyword-triggered microagent after the message that names it, once', async () => {
    const first = await runScripted({
      steps: [{ text: 'ok' }],
      userMessage: 'Why does the Docker build fail?',
      context: { workspace },
    });
    await first.events.append({ type: 'message', source: 'user', text: 'and in the container too?' });
    const { llm } = await runScripted({
      steps: [{ text: 'ok' }],
      events: first.events,
      context: { workspace },
    });
    const messages = llm.requests[0]?.messages ?? [];
    const recalled = messages.filter((m) => m.role === 'user' && m.content.includes('<EXTRA_INFO>'));
    expect(recalled).toHaveLength(1);
    expect(messages[2]).toEqual({
      role: 'user',
      content:
        '<EXTRA_INFO>\nThe following information has been included based on a keyword match for "docker".\nIt may or may not be relevant to the user\'s request.\n\nThe daemon runs rootless.\n</EXTRA_INFO>',
    });
    expect(JSON.stringify(messages)).not.toContain('5433');
  });

  it('caps a long file', async () => {
    await write('AGENTS.md', 'y'.repeat(MAX_INSTRUCTIONS_CHARS + 500));
    const { llm } = await runScripted({ steps: [{ text: 'ok' }], context: { workspace } });
    const prompt = system(llm.requests[0]?.messages);
    expect(prompt).toContain('[... truncated');
    expect(prompt).not.toContain('y'.repeat(MAX_INSTRUCTIONS_CHARS + 1));
  });
});

describe('parseMicroagent', () => {
  it('reads inline and block trigger lists; no frontmatter means always on', () => {
    expect(parseMicroagent('a.md', '---\ntriggers: ["Foo", bar]\n---\nbody').triggers).toEqual([
      'foo',
      'bar',
    ]);
    expect(parseMicroagent('b.md', '---\ntriggers:\n  - x\n  - "y z"\nname: b\n---\nbody')).toEqual({
      source: 'b.md',
      triggers: ['x', 'y z'],
      content: 'body',
    });
    expect(parseMicroagent('c.md', 'just text\n')).toEqual({
      source: 'c.md',
      triggers: [],
      content: 'just text',
    });
  });
});
