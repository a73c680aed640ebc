import type { ActionEvent, Event } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { runScripted } from '../testing/agent-harness';
import { THOUGHT_LOGGED } from '../tools/think/definition';

const bash = (command: string, risk?: string) => ({
  name: 'execute_bash',
  arguments: risk === undefined ? { command } : { command, security_risk: risk },
});
const finish = { name: 'finish', arguments: { message: 'done' } };

const actionsOf = (events: readonly Event[]): ActionEvent[] =>
  events.flatMap((e) => (e.type === 'action' ? [e] : []));
const observationsOf = (events: readonly Event[]) =>
  events.flatMap((e) => (e.type === 'observation' ? [e.observation] : []));

describe('agent tools', () => {
  it('think logs the thought and answers with OpenHands’ words, without the sandbox', async () => {
    const { events, sandbox, llm } = await runScripted({
      steps: [
        { toolCalls: [{ name: 'think', arguments: { thought: 'Plan: read, then fix.' } }] },
        { toolCalls: [finish] },
      ],
    });
    expect(actionsOf(events.all())[0]?.action).toEqual({ type: 'think', thought: 'Plan: read, then fix.' });
    expect(observationsOf(events.all())).toEqual([{ type: 'think', output: THOUGHT_LOGGED }]);
    expect(sandbox.actions).toEqual([]);
    expect(llm.requests[1]?.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'Your thought has been logged.',
    });
  });

  it('task_tracker plans (ids given or made), then views the plan in OpenHands’ format', async () => {
    const plan = {
      command: 'plan',
      task_list: [
        { id: 'a', title: 'Read the code', status: 'done' },
        { title: 'Fix the bug', status: 'in_progress', notes: 'in parser.ts' },
      ],
    };
    const { events } = await runScripted({
      steps: [
        { toolCalls: [{ name: 'task_tracker', arguments: plan }] },
        { toolCalls: [{ name: 'task_tracker', arguments: { command: 'view' } }] },
        { toolCalls: [finish] },
      ],
    });
    const [planned, viewed] = observationsOf(events.all());
    expect(planned).toMatchObject({
      type: 'task_tracker',
      output: 'Task list has been updated with 2 item(s).',
    });
    const id = planned?.type === 'task_tracker' ? planned.taskList[1]?.id : undefined;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(viewed).toMatchObject({
      type: 'task_tracker',
      output: `# Task List\n\n1. ✅ [a] Read the code\n\n2. 🔄 [${id ?? ''}] Fix the bug\n   in parser.ts`,
    });
  });

  it('task_tracker view before any plan says how to make one', async () => {
    const { events } = await runScripted({
      steps: [
        { toolCalls: [{ name: 'task_tracker', arguments: { command: 'view' } }] },
        { toolCalls: [finish] },
      ],
    });
    expect(observationsOf(events.all())[0]).toEqual({
      type: 'task_tracker',
      output: 'No task list found. Use the "plan" command to create one.',
      taskList: [],
    });
  });

  it('records security_risk (UNKNOWN when missing) and the raw arguments, replayed verbatim', async () => {
    const raw = '{ "command" : "ls",  "security_risk": "MEDIUM" }';
    const { events, llm } = await runScripted({
      steps: [
        { toolCalls: [{ name: 'execute_bash', arguments: raw }, bash('pwd')] },
        { toolCalls: [bash('whoami', 'high')] },
        { toolCalls: [finish] },
      ],
    });
    const actions = actionsOf(events.all());
    expect(actions.map((a) => a.securityRisk)).toEqual(['MEDIUM', 'UNKNOWN', 'HIGH', 'UNKNOWN']);
    expect(actions[0]?.toolArguments).toBe(raw);
    const assistant = llm.requests[1]?.messages[2];
    expect(assistant?.role === 'assistant' && assistant.toolCalls[0]?.arguments).toBe(raw);
  });

  it('offers think and task_tracker with OpenHands’ definitions', async () => {
    const { llm } = await runScripted({ steps: [{ text: 'Hello' }] });
    const tools = llm.requests[0]?.tools ?? [];
    const think = tools.find((t) => t.name === 'think');
    expect(think?.description).toMatch(
      /^To ensure a clear record of your work, you must report the reasoning/,
    );
    expect(think?.parameters).toEqual({
      type: 'object',
      properties: { thought: { type: 'string', description: 'The thought that should be logged.' } },
      required: ['thought'],
    });
    const tracker = tools.find((t) => t.name === 'task_tracker');
    expect(tracker?.description).toMatch(/^This tool provides structured task management capabilities/);
    expect(tracker?.parameters).toMatchObject({ properties: { command: { enum: ['view', 'plan'] } } });
  });
});
