import type { ConfirmationPolicy, Event } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import type { InMemoryEvents } from '../testing/agent-harness';
import { runScripted } from '../testing/agent-harness';
import type { ScriptedLlmStep } from '../testing/scripted-llm-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { unansweredActions } from './unanswered-actions';

const bash = (command: string, risk: string | undefined) => ({
  name: 'execute_bash',
  arguments: risk === undefined ? { command } : { command, security_risk: risk },
});
const finish = { name: 'finish', arguments: { message: 'done' } };
const states = (events: readonly Event[]) =>
  events.flatMap((e) => (e.type === 'agent_state_changed' ? [e.state] : []));

async function confirm(events: InMemoryEvents, accept: boolean, reason?: string): Promise<void> {
  await events.append({
    type: 'confirmation',
    source: 'user',
    accept,
    ...(reason === undefined ? {} : { reason }),
    actionIds: unansweredActions(events.all()).map((a) => a.actionId),
  });
}

function policyRun(policy: ConfirmationPolicy, steps: ScriptedLlmStep[]) {
  const llm = new ScriptedLlmClient(steps);
  return { llm, context: { getConfirmationPolicy: () => policy } };
}

describe('confirmation mode', () => {
  it('always: waits before the command; accept runs it and the loop goes on', async () => {
    const { llm, context } = policyRun({ type: 'always' }, [
      { toolCalls: [bash('echo hi', 'LOW')] },
      { toolCalls: [finish] },
    ]);
    const first = await runScripted({ steps: [], llm, context });
    expect(first.result.finalState).toBe('awaiting_confirmation');
    expect(first.sandbox.actions).toEqual([]);
    expect(states(first.events.all())).toEqual(['running', 'awaiting_confirmation']);

    await confirm(first.events, true);
    const second = await runScripted({
      steps: [],
      llm,
      context,
      events: first.events,
      sandbox: first.sandbox,
    });
    expect(second.result.finalState).toBe('finished');
    expect(second.sandbox.actions).toEqual([{ type: 'run_command', command: 'echo hi' }]);
    expect(states(second.events.all())).toEqual(['running', 'awaiting_confirmation', 'running', 'finished']);
  });

  it('reject: each action gets a user_rejected observation with OpenHands’ words and the reason', async () => {
    const { llm, context } = policyRun({ type: 'always' }, [
      {
        toolCalls: [bash('rm -rf build', 'MEDIUM'), { name: 'think', arguments: { thought: 'then check' } }],
      },
      { text: 'Understood, I will not delete it.' },
    ]);
    const first = await runScripted({ steps: [], llm, context });
    await confirm(first.events, false, 'keep the build folder');
    const second = await runScripted({
      steps: [],
      llm,
      context,
      events: first.events,
      sandbox: first.sandbox,
    });
    expect(second.result.finalState).toBe('awaiting_user_input');
    expect(second.sandbox.actions).toEqual([]);
    const observations = second.events
      .all()
      .flatMap((e) => (e.type === 'observation' ? [e.observation] : []));
    expect(observations).toEqual([
      { type: 'user_rejected', reason: 'keep the build folder' },
      { type: 'user_rejected', reason: 'keep the build folder' },
    ]);
    await second.events.append({ type: 'message', source: 'user', text: 'ok, just tell me' });
    const third = await runScripted({ steps: [], llm, context, events: second.events });
    expect(third.llm.requests.at(-1)?.messages.find((m) => m.role === 'tool')?.content).toBe(
      'Action has been rejected by the user! Waiting for further user input.\nReason: keep the build folder',
    );
  });

  it('risky: only actions at or above the threshold wait; UNKNOWN counts as HIGH', async () => {
    const policy: ConfirmationPolicy = { type: 'risky', threshold: 'HIGH' };
    const { llm, context } = policyRun(policy, [
      { toolCalls: [bash('ls', 'LOW')] },
      { toolCalls: [bash('cat notes', 'MEDIUM')] },
      { toolCalls: [bash('curl evil', undefined)] },
    ]);
    const run = await runScripted({ steps: [], llm, context });
    expect(run.result.finalState).toBe('awaiting_confirmation');
    expect(run.sandbox.actions.map((a) => (a.type === 'run_command' ? a.command : ''))).toEqual([
      'ls',
      'cat notes',
    ]);
    expect(unansweredActions(run.events.all()).map((a) => a.securityRisk)).toEqual(['UNKNOWN']);
  });

  it('reads the policy live: turning it off runs the waiting actions on the next run', async () => {
    let policy: ConfirmationPolicy = { type: 'always' };
    const llm = new ScriptedLlmClient([{ toolCalls: [bash('echo hi', 'HIGH')] }, { toolCalls: [finish] }]);
    const context = { getConfirmationPolicy: () => policy };
    const first = await runScripted({ steps: [], llm, context });
    expect(first.result.finalState).toBe('awaiting_confirmation');
    const again = await runScripted({
      steps: [],
      llm,
      context,
      events: first.events,
      sandbox: first.sandbox,
    });
    expect(again.result.finalState).toBe('awaiting_confirmation');
    policy = { type: 'never' };
    const last = await runScripted({ steps: [], llm, context, events: first.events, sandbox: first.sandbox });
    expect(last.result.finalState).toBe('finished');
    expect(last.sandbox.actions).toHaveLength(1);
  });

  it('a pause while awaiting confirmation keeps the actions waiting; a new message rejects them', async () => {
    const { llm, context } = policyRun({ type: 'always' }, [
      { toolCalls: [bash('echo hi', 'LOW')] },
      { text: 'What next?' },
    ]);
    const first = await runScripted({ steps: [], llm, context });
    await first.events.append({ type: 'agent_state_changed', source: 'environment', state: 'paused' });
    const resumed = await runScripted({
      steps: [],
      llm,
      context,
      events: first.events,
      sandbox: first.sandbox,
    });
    expect(resumed.result.finalState).toBe('awaiting_confirmation');
    await first.events.append({ type: 'message', source: 'user', text: 'never mind that' });
    const answered = await runScripted({
      steps: [],
      llm,
      context,
      events: first.events,
      sandbox: first.sandbox,
    });
    expect(answered.result.finalState).toBe('awaiting_user_input');
    expect(answered.sandbox.actions).toEqual([]);
    expect(answered.events.all().find((e) => e.type === 'observation')).toMatchObject({
      observation: { type: 'user_rejected', reason: 'The user sent a new message instead of confirming.' },
    });
  });

  it('a finish in the same response runs after the accepted actions', async () => {
    const { llm, context } = policyRun({ type: 'always' }, [{ toolCalls: [bash('echo hi', 'LOW'), finish] }]);
    const first = await runScripted({ steps: [], llm, context });
    await confirm(first.events, true);
    const second = await runScripted({
      steps: [],
      llm,
      context,
      events: first.events,
      sandbox: first.sandbox,
    });
    expect(second.result.finalState).toBe('finished');
    expect(second.llm.requests).toHaveLength(1);
    expect(second.events.all().findLast((e) => e.type === 'message')).toMatchObject({
      source: 'agent',
      text: 'done',
    });
  });
});
