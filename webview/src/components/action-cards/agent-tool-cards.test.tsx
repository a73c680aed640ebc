import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Action, ActionEvent, Observation, SecurityRisk, TrackedTask } from '@handoff/protocol';
import { anActionEvent, anObservationEvent } from '@handoff/protocol/testing';
import { ActionCard } from './action-card';

function card(action: Action, observation?: Observation, event: Partial<ActionEvent> = {}): string {
  return renderToStaticMarkup(
    <ActionCard
      event={anActionEvent({ actionId: 'a', action, ...event })}
      observation={observation && anObservationEvent({ actionId: 'a', observation })}
    />,
  );
}

const tasks: TrackedTask[] = [
  { id: '1', title: 'Reproduce the bug', status: 'done' },
  { id: '2', title: 'Fix the parser', status: 'in_progress', notes: 'utils/parse.ts' },
  { id: '3', title: 'Add a test', status: 'todo' },
];

describe('think card', () => {
  it('shows the thought in a muted card and no spinner', () => {
    const html = card({ type: 'think', thought: 'The cache key ignores the locale.' });
    expect(html).toContain('data-action-type="think"');
    expect(html).toContain('class="card think-card"');
    expect(html).toContain('The cache key ignores the locale.');
    expect(html).not.toContain('action-pending');
  });
});

describe('task_tracker card', () => {
  it('shows the plan as a checklist with each status', () => {
    const html = card({ type: 'task_tracker', command: 'plan', taskList: tasks });
    expect(html).toContain('data-action-type="task_tracker"');
    expect([...html.matchAll(/data-testid="task" data-status="(\w+)"/g)].map((m) => m[1])).toEqual([
      'done',
      'in_progress',
      'todo',
    ]);
    expect(html).toContain('Fix the parser');
    expect(html).toContain('utils/parse.ts');
  });

  it('prefers the list the tool answered with (a view has no list of its own)', () => {
    const html = card(
      { type: 'task_tracker', command: 'view' },
      { type: 'task_tracker', output: '…', taskList: [{ id: '9', title: 'Ship it', status: 'todo' }] },
    );
    expect(html).toContain('Ship it');
    expect(html.match(/data-testid="task-list"/g)).toHaveLength(1);
  });

  it('shows a tool error under the plan', () => {
    const html = card(
      { type: 'task_tracker', command: 'plan', taskList: tasks },
      { type: 'tool_error', message: 'Invalid task list.' },
    );
    expect(html).toContain('data-testid="observation-tool-error"');
  });
});

describe('user_rejected observation', () => {
  it('says the action was rejected and not run, with the reason', () => {
    const html = card(
      { type: 'run_command', command: 'rm -rf build' },
      { type: 'user_rejected', reason: 'keep the build' },
    );
    expect(html).toContain('data-testid="observation-user-rejected"');
    expect(html).toContain('Rejected by you, not run: keep the build');
    expect(html).not.toContain('action-pending');
  });
});

describe('security risk badge', () => {
  it.each(['LOW', 'MEDIUM', 'HIGH'] as const)('shows %s on command and editor cards', (risk) => {
    for (const action of [
      { type: 'run_command', command: 'ls' },
      { type: 'file_editor', command: 'view', path: '/w/a' },
    ] as Action[]) {
      const html = card(action, undefined, { securityRisk: risk });
      expect(html).toMatch(new RegExp(`data-testid="security-risk" data-risk="${risk}"[^>]*>${risk}<`));
    }
  });

  it.each([undefined, 'UNKNOWN'] as (SecurityRisk | undefined)[])('shows nothing for %s', (risk) => {
    const html = card({ type: 'run_command', command: 'ls' }, undefined, risk ? { securityRisk: risk } : {});
    expect(html).not.toContain('security-risk');
  });
});
