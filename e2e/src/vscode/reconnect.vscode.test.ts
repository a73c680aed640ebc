import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationListSchema,
  EventsPageSchema,
  SESSION_API_KEY_HEADER,
  type Event,
  type SandboxInfo,
} from '@handoff/protocol';
import { startAgentVsCode, type AgentVsCodeSession } from './session';

/** The sandbox runs on this machine: the first command runs until the test creates this file. */
const gateDir = mkdtempSync(path.join(tmpdir(), 'handoff-reconnect-gate-'));
const GATE = path.join(gateDir, 'go');

const SCRIPT = [
  {
    text: 'A long command.',
    toolCalls: [
      {
        name: 'execute_bash',
        arguments: {
          command: `echo before; while [ ! -e ${GATE} ]; do sleep 0.1; done; echo after`,
          security_risk: 'LOW',
        },
      },
    ],
  },
  {
    text: 'And a short one.',
    toolCalls: [{ name: 'execute_bash', arguments: { command: 'echo second', security_risk: 'LOW' } }],
  },
  { toolCalls: [{ name: 'finish', arguments: { message: 'Both commands ran.' } }] },
];

async function getJson(sandbox: SandboxInfo, route: string): Promise<unknown> {
  const response = await fetch(`${sandbox.agentServerUrl}${route}`, {
    headers: { [SESSION_API_KEY_HEADER]: sandbox.sessionApiKey },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${route} failed with ${String(response.status)}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Every event of the sandbox's one conversation, from the agent server's log. */
async function serverEvents(sandbox: SandboxInfo): Promise<Event[]> {
  const [conversation] = ConversationListSchema.parse(await getJson(sandbox, '/api/conversations')).items;
  if (!conversation) throw new Error('The agent server has no conversation.');
  const events: Event[] = [];
  for (let afterSeq = 0; ;) {
    const page = EventsPageSchema.parse(
      await getJson(
        sandbox,
        `/api/conversations/${conversation.id}/events?afterSeq=${String(afterSeq)}&limit=1000`,
      ),
    );
    events.push(...page.items);
    if (page.nextAfterSeq === undefined) return events;
    afterSeq = page.nextAfterSeq;
  }
}

/** The seqs the chat shows a row for: all but observations shown in their action's row, and running/idle. */
function expectedRows(events: readonly Event[]): number[] {
  const actions = new Set(events.flatMap((e) => (e.type === 'action' ? [e.actionId] : [])));
  return events
    .filter((e) => !(e.type === 'observation' && actions.has(e.actionId)))
    .filter((e) => !(e.type === 'agent_state_changed' && (e.state === 'running' || e.state === 'idle')))
    .map((e) => e.seq);
}

/** Cuts the TCP connections to `port` on 127.0.0.1 (the extension host's event socket among them). */
function killConnectionsTo(port: string): string {
  return execFileSync('ss', ['-K', '-t', '-4', 'dst', '127.0.0.1', 'dport', '=', `:${port}`], {
    encoding: 'utf8',
  });
}

describe('A forced reconnect in real VS Code: the banner shows, the conversation resumes by seq', () => {
  let session: AgentVsCodeSession | undefined;

  beforeAll(async () => {
    session = await startAgentVsCode('reconnect', {
      script: SCRIPT,
      files: { 'README.md': '# reconnect\n' },
    });
  });

  afterAll(async () => {
    await session?.close();
    rmSync(gateDir, { recursive: true, force: true });
  });

  it('shows every event exactly once after the connection is cut mid-command', async () => {
    const { workbench } = session!;
    const chat = await workbench.startTask('run two commands');
    await chat.getByTestId('action-command').filter({ hasText: 'echo before' }).first().waitFor();
    const [sandbox] = await session!.sandboxes();
    if (!sandbox) throw new Error('runtime-api runs no sandbox.');
    const port = new URL(sandbox.agentServerUrl).port;

    const killed = killConnectionsTo(port);
    expect(killed).toContain(`:${port}`);
    const banner = chat.getByTestId('connection-banner');
    await banner.waitFor();
    await workbench.screenshot('connection-lost');
    // The command finishes (and the agent goes on) while the chat reconnects.
    writeFileSync(GATE, '');
    await banner.waitFor({ state: 'detached' });
    await chat.getByText('Both commands ran.').first().waitFor();
    await chat.getByTestId('observation-output').filter({ hasText: 'second' }).first().waitFor();
    await workbench.screenshot('reconnected-and-finished');

    const rows = await chat.getByTestId('event').all();
    const shown = await Promise.all(rows.map(async (row) => Number(await row.getAttribute('data-seq'))));
    const events = await serverEvents(sandbox);
    expect(shown).toEqual(expectedRows(events));
    expect(await chat.getByTestId('event-gap').count()).toBe(0);
    // Each command's output once, in its own card: `before` and `after` of the cut one together.
    const outputs = await chat.getByTestId('observation-output').allInnerTexts();
    expect(outputs.filter((text) => text.includes('before') && text.includes('after'))).toHaveLength(1);
    expect(outputs.filter((text) => text.includes('second'))).toHaveLength(1);
  });
});
