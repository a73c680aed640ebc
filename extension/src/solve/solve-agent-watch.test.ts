import type { ConversationId, Event } from '@handoff/protocol';
import {
  aMessageEvent,
  anActionEvent,
  anAgentStateEvent,
  anErrorEvent,
  anLlmUsageEvent,
  anObservationEvent,
} from '@handoff/protocol/testing';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatusChange, EventStream, StreamDelta } from '../agent/agent-connection';
import { Emitter } from '../common/emitter';
import type { SolveAgentClient } from './solve-agent-client';
import { MAX_NUDGES, NUDGE_MESSAGE, watchAgent } from './solve-agent-watch';

const CONVERSATION = 'c1' as ConversationId;

class FakeStream implements EventStream {
  readonly events = new Emitter<Event>();
  readonly statuses = new Emitter<ConnectionStatusChange>();
  readonly deltas = new Emitter<StreamDelta>();
  readonly onEvent = this.events.event;
  readonly onStatus = this.statuses.event;
  readonly onStreamDelta = this.deltas.event;
  connected = false;
  private seq = 0;
  connect(): void {
    this.connected = true;
  }
  dispose(): void {
    this.events.dispose();
  }
  emit(event: Event): void {
    this.seq += 1;
    this.events.fire({ ...event, seq: this.seq });
  }
}

/** Records the calls the watcher makes; the rest is never called. */
function fakeAgent() {
  const calls: string[] = [];
  const agent = {
    sendMessage: (_id: ConversationId, text: string) => {
      calls.push(`message:${text}`);
      return Promise.resolve();
    },
    pause: () => {
      calls.push('pause');
      return Promise.resolve();
    },
    confirm: () => {
      calls.push('confirm');
      return Promise.resolve();
    },
  } as unknown as SolveAgentClient;
  return { agent, calls };
}

function watch(signal?: AbortSignal) {
  const stream = new FakeStream();
  const { agent, calls } = fakeAgent();
  const progress: number[] = [];
  const watched = watchAgent({
    agent,
    stream,
    conversationId: CONVERSATION,
    signal,
    onProgress: (work) => progress.push(work.steps),
  });
  return { stream, calls, progress, ...watched };
}

describe('watchAgent', () => {
  it('collects steps, cost, commands with exit codes and the finish summary', async () => {
    const { stream, work, done, progress } = watch();
    expect(stream.connected).toBe(true);
    stream.emit(anActionEvent({ actionId: 'a1', action: { type: 'run_command', command: 'npm test' } }));
    stream.emit(anObservationEvent({ actionId: 'a1', observation: { ...anObservationEvent().observation, exitCode: 1 } as never }));
    stream.emit(anLlmUsageEvent({ total: { ...anLlmUsageEvent().total, costUsd: 0.42 } }));
    stream.emit(anActionEvent({ actionId: 'a2', action: { type: 'finish', message: 'Fixed the loop.' } }));
    stream.emit(anAgentStateEvent({ state: 'finished' }));
    expect(await done).toEqual({ kind: 'finished' });
    expect(work).toEqual({
      steps: 2,
      costUsd: 0.42,
      modelMs: 900,
      commands: [{ command: 'npm test', exitCode: 1 }],
      summary: 'Fixed the loop.',
    });
    expect(progress.at(-1)).toBe(2);
  });

  it('tells the agent to go on when it waits for input, and gives up after a few times', async () => {
    const { stream, calls, done } = watch();
    stream.emit(aMessageEvent({ source: 'agent', text: 'Should I also fix sumAll?' }));
    for (let i = 0; i <= MAX_NUDGES; i += 1) {
      stream.emit(anAgentStateEvent({ state: 'awaiting_user_input' }));
      await Promise.resolve();
    }
    const end = await done;
    expect(calls).toEqual(Array.from({ length: MAX_NUDGES }, () => `message:${NUDGE_MESSAGE}`));
    expect(end).toEqual({
      kind: 'failed',
      message: `The agent stopped to ask for input ${String(MAX_NUDGES)} times without finishing: "Should I also fix sumAll?"`,
    });
  });

  it('reports the error that ended the run, and a stuck agent', async () => {
    const failed = watch();
    failed.stream.emit(anErrorEvent({ error: { code: 'budget_exceeded', message: 'The budget of $1.00 is spent.' } }));
    failed.stream.emit(anAgentStateEvent({ state: 'error' }));
    expect(await failed.done).toEqual({ kind: 'failed', message: 'The agent stopped with an error: The budget of $1.00 is spent.' });

    const stuck = watch();
    stuck.stream.emit(anAgentStateEvent({ state: 'stuck', reason: 'the same action 4 times' }));
    expect(await stuck.done).toEqual({ kind: 'failed', message: 'The agent got stuck (it kept repeating itself): the same action 4 times.' });
  });

  it('pauses the agent when the solve is cancelled, and fails when the stream is lost', async () => {
    const controller = new AbortController();
    const cancelled = watch(controller.signal);
    controller.abort();
    expect(await cancelled.done).toEqual({ kind: 'cancelled' });
    expect(cancelled.calls).toEqual(['pause']);

    const lost = watch();
    lost.stream.statuses.fire({ status: 'error', message: 'The agent server rejected the session key.' });
    expect(await lost.done).toEqual({ kind: 'failed', message: 'Lost the agent: The agent server rejected the session key.' });
  });

  it('accepts actions that wait for confirmation: nobody is there to approve them', async () => {
    const { stream, calls, done } = watch();
    stream.emit(anAgentStateEvent({ state: 'awaiting_confirmation' }));
    stream.emit(anAgentStateEvent({ state: 'finished' }));
    await done;
    expect(calls).toEqual(['confirm']);
  });
});
