import type { ConversationId, SandboxInfo } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { canOpenConversation, canPushAgain, describeSolve, SolveList, solveContextValue } from './local-solve-list';
import type { SolveFailed, SolveOpened } from './solve-types';

const TARGET = { owner: 'acme', repo: 'sum-lib', number: 1 };
const SANDBOX: SandboxInfo = {
  id: 'sb-1',
  status: 'running',
  agentServerUrl: 'http://127.0.0.1:1234',
  sessionApiKey: 'key',
  provider: 'process',
  labels: {},
  createdAt: '2024-01-01T00:00:00.000Z',
};
const CONVERSATION = 'c-1' as ConversationId;
const BASE = { target: TARGET, agentSteps: 5, costUsd: 0.0512, modelMs: 0, timings: {}, notices: [] };

function opened(): SolveOpened {
  return {
    ...BASE,
    status: 'opened',
    sandboxKept: false,
    pullRequest: { number: 2, htmlUrl: 'https://github.com/acme/sum-lib/pull/2', draft: true },
    branch: 'handoff/issue-1-sum',
    commit: 'a'.repeat(40),
    files: [],
  };
}

function failed(extra: Partial<SolveFailed> = {}): SolveFailed {
  return {
    ...BASE,
    status: 'failed',
    sandboxKept: true,
    kind: 'push_failed',
    step: 'push',
    message: 'No push.',
    ...extra,
  };
}

function start(list: SolveList) {
  return list.start({
    target: TARGET,
    issueTitle: 'sum() ignores the last number',
    webUrl: 'https://github.com',
  });
}

describe('SolveList', () => {
  it('follows a solve from start through progress to its outcome, firing each change', () => {
    const list = new SolveList();
    const seen: string[] = [];
    list.onDidChange((entry) => seen.push(describeSolve(entry)));
    const { entry } = start(list);
    expect(entry.id).toBe('acme/sum-lib#1@1');
    expect(list.running(TARGET)?.id).toBe(entry.id);
    list.report(entry.id, { step: 'sandbox', message: 'Starting a sandbox' });
    list.report(entry.id, {
      step: 'agent',
      message: '',
      agentSteps: 4,
      costUsd: 0.021,
      sandbox: SANDBOX,
      conversationId: CONVERSATION,
    });
    expect(solveContextValue(list.get(entry.id)!)).toBe('handoff.solve.running.conversation');
    list.finish(entry.id, opened());
    expect(seen).toEqual(['starting…', 'starting a sandbox', 'agent: step 4 · $0.02', 'draft PR #2 · $0.05']);
    const done = list.get(entry.id)!;
    expect(done).toMatchObject({ state: 'opened', sandbox: SANDBOX, conversationId: CONVERSATION });
    // Its sandbox is gone after a pull request: nothing to open.
    expect(solveContextValue(done)).toBe('handoff.solve.opened');
    expect(list.running(TARGET)).toBeUndefined();
    // A late progress report changes nothing.
    list.report(entry.id, { step: 'agent', message: '' });
    expect(list.get(entry.id)?.state).toBe('opened');
  });

  it('cancels through the signal, and describes a failure with kept changes', () => {
    const list = new SolveList();
    const { entry, signal } = start(list);
    list.report(entry.id, { step: 'agent', message: '', sandbox: SANDBOX, conversationId: CONVERSATION });
    expect(list.cancel(entry.id)).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(describeSolve(list.get(entry.id)!)).toBe('cancelling…');
    const diff = {
      patch: 'diff --git …',
      truncated: false,
      files: [],
      baseCommit: 'b'.repeat(40),
      baseBranch: 'main',
    };
    list.finish(entry.id, failed({ kind: 'cancelled', step: 'agent', diff }));
    const done = list.get(entry.id)!;
    expect(describeSolve(done)).toBe('cancelled · changes kept');
    expect(solveContextValue(done)).toBe('handoff.solve.failed.diff.conversation');
    expect(list.cancel(entry.id)).toBe(false);
    expect(describeSolve({ ...done, outcome: failed() })).toBe('failed (pushing the branch)');
    expect(canOpenConversation({ ...done, outcome: failed({ sandboxKept: false }) })).toBe(false);
  });

  it('offers Push Again only for a refused push whose sandbox and changes are kept', () => {
    const list = new SolveList();
    const { entry } = start(list);
    list.report(entry.id, { step: 'push', message: '', sandbox: SANDBOX, conversationId: CONVERSATION });
    const diff = { patch: 'diff --git …', truncated: false, files: [], baseCommit: 'b'.repeat(40), baseBranch: 'main' };
    list.finish(entry.id, failed({ kind: 'forbidden', step: 'push', diff }));
    const done = list.get(entry.id)!;
    expect(canPushAgain(done)).toBe(true);
    expect(solveContextValue(done)).toBe('handoff.solve.failed.diff.push.conversation');
    expect(canPushAgain({ ...done, outcome: failed({ step: 'push', diff, sandboxKept: false }) })).toBe(false);
    expect(canPushAgain({ ...done, outcome: failed({ step: 'agent', diff }) })).toBe(false);
    expect(canPushAgain({ ...done, outcome: failed({ step: 'push' }) })).toBe(false);
    expect(canPushAgain({ ...done, outcome: opened() })).toBe(false);
  });

  it('lists newest first and aborts every running solve when disposed', () => {
    const list = new SolveList();
    const first = start(list);
    const second = start(list);
    expect(list.list().map((e) => e.id)).toEqual([second.entry.id, first.entry.id]);
    list.dispose();
    expect(first.signal.aborted && second.signal.aborted).toBe(true);
  });
});
