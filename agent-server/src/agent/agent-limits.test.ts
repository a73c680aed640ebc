import type { Event } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { fakeRunCommandObservation } from '../testing/fake-sandbox-client';
import { runScripted } from '../testing/agent-harness';
import type { ScriptedLlmStep, ScriptedToolCall } from '../testing/scripted-llm-client';

const bash = (command: string) => ({ name: 'execute_bash', arguments: { command, security_risk: 'LOW' } });
const finish = { name: 'finish', arguments: { message: 'done' } };
const errorsOf = (events: readonly Event[]) => events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
const lastState = (events: readonly Event[]) => events.findLast((e) => e.type === 'agent_state_changed');

describe('budget', () => {
  it('emits llm_usage after every call with the running total, and stops at the budget', async () => {
    const costly = (command: string): ScriptedLlmStep => ({
      toolCalls: [bash(command)],
      usage: { inputTokens: 1000, outputTokens: 100, costUsd: 0.4 },
    });
    const { events, result, sandbox } = await runScripted({
      steps: [costly('echo 1'), costly('echo 2'), costly('echo 3'), { toolCalls: [finish] }],
      context: { maxBudgetUsd: 1 },
    });
    const usage = events.all().flatMap((e) => (e.type === 'llm_usage' ? [e] : []));
    expect(usage.map((u) => [u.model, u.purpose, u.call.costUsd])).toEqual([
      ['openai/gpt-4o', 'step', 0.4],
      ['openai/gpt-4o', 'step', 0.4],
      ['openai/gpt-4o', 'step', 0.4],
    ]);
    expect(usage.map((u) => u.total.inputTokens)).toEqual([1000, 2000, 3000]);
    expect(usage[2]?.total.costUsd).toBeCloseTo(1.2);
    expect(sandbox.actions).toHaveLength(3);
    expect(errorsOf(events.all())).toEqual([
      {
        code: 'budget_exceeded',
        message:
          'Agent reached maximum budget for conversation. Current budget: $1.2000, max budget: $1.0000. Raise the budget to let it continue.',
      },
    ]);
    expect(result.finalState).toBe('error');
    expect(lastState(events.all())).toMatchObject({ state: 'error' });
  });

  it('a conversation already over budget stops before calling the model again', async () => {
    const first = await runScripted({
      steps: [{ text: 'hi', usage: { costUsd: 2 } }],
      context: { maxBudgetUsd: 1 },
    });
    expect(first.result.finalState).toBe('awaiting_user_input');
    await first.events.append({ type: 'message', source: 'user', text: 'go on' });
    const second = await runScripted({
      steps: [{ text: 'never' }],
      events: first.events,
      context: { maxBudgetUsd: 1 },
    });
    expect(second.llm.requests).toHaveLength(0);
    expect(errorsOf(second.events.all()).map((e) => e.code)).toEqual(['budget_exceeded']);
  });
});

describe('max iterations', () => {
  it('stops with max_iterations_reached and state error', async () => {
    const { events, result } = await runScripted({
      steps: [
        { toolCalls: [bash('echo a')] },
        { toolCalls: [bash('echo b')] },
        { toolCalls: [bash('echo c')] },
      ],
      context: { maxIterations: 2 },
    });
    expect(result.finalState).toBe('error');
    expect(errorsOf(events.all()).map((e) => e.code)).toEqual(['max_iterations_reached']);
  });
});

describe('stuck detection', () => {
  const same = (count: number, call: ScriptedToolCall = bash('ls')): ScriptedLlmStep[] =>
    Array.from({ length: count }, () => ({ toolCalls: [call] }));

  it('repeating action and observation ×4 ends in state stuck; a new user message continues', async () => {
    const { events, result, llm } = await runScripted({ steps: [...same(5)] });
    expect(llm.requests).toHaveLength(4);
    expect(result.finalState).toBe('stuck');
    expect(errorsOf(events.all())).toEqual([
      {
        code: 'agent_stuck',
        message:
          'Agent got stuck in a loop: The agent repeated the same action 4 times and got the same result each time.',
      },
    ]);
    await events.append({ type: 'message', source: 'user', text: 'try something else' });
    const next = await runScripted({ steps: [{ toolCalls: [bash('ls')] }, { toolCalls: [finish] }], events });
    expect(next.result.finalState).toBe('finished');
  });

  it('repeating action with an error ×3', async () => {
    const failing = { name: 'execute_bash', arguments: { timeout: 5 } };
    const { events, result } = await runScripted({ steps: same(4, failing) });
    expect(result.finalState).toBe('stuck');
    expect(errorsOf(events.all())[0]?.message).toMatch(/repeated the same action 3 times and it failed/);
  });

  it('the same agent message ×3 without user input', async () => {
    let run = await runScripted({ steps: [{ text: 'I am done.' }] });
    for (let index = 0; index < 2; index += 1)
      run = await runScripted({ steps: [{ text: 'I am done.' }], events: run.events });
    const last = await runScripted({ steps: [{ text: 'never' }], events: run.events });
    expect(last.result.finalState).toBe('stuck');
    expect(last.llm.requests).toHaveLength(0);
    expect(errorsOf(last.events.all())[0]?.message).toMatch(/same message 3 times/);
  });

  it('alternating between two actions ×6', async () => {
    const steps = Array.from({ length: 7 }, (_, index) => ({
      toolCalls: [bash(index % 2 === 0 ? 'ls' : 'pwd')],
    }));
    const { result, llm, events } = await runScripted({ steps });
    expect(result.finalState).toBe('stuck');
    expect(llm.requests).toHaveLength(6);
    expect(errorsOf(events.all())[0]?.message).toMatch(/alternated/);
  });

  it('does not fire on a normal trajectory, even one that repeats a command with new results', async () => {
    let count = 0;
    const { result } = await runScripted({
      steps: [
        ...['ls', 'cat a.txt', 'npm test', 'npm test', 'npm test', 'git diff'].map((c) => ({
          toolCalls: [bash(c)],
        })),
        { toolCalls: [finish] },
      ],
      handler: (action) => {
        count += 1;
        if (action.type !== 'run_command') throw new Error('unexpected');
        return fakeRunCommandObservation(action, {
          exitCode: action.command === 'npm test' && count < 5 ? 1 : 0,
        });
      },
    });
    expect(result.finalState).toBe('finished');
  });
});
