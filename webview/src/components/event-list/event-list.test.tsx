import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import {
  aMessageEvent,
  anActionEvent,
  anAgentStateEvent,
  anErrorEvent,
  anObservationEvent,
} from '@handoff/protocol/testing';
import { applyEvents, initialConversationState } from '../../state/conversation-reducer';
import { EventList } from './event-list';

// Server rendering needs no DOM: enough to check that every event type renders, with the
// test ids the UI tests rely on.
function render(events: Parameters<typeof applyEvents>[1]): string {
  return renderToStaticMarkup(<EventList conversation={applyEvents(initialConversationState, events)} />);
}

describe('EventList', () => {
  it('shows the empty state before any event', () => {
    expect(render([])).toContain('data-testid="empty-state"');
  });

  it('renders a message, a command card with its paired output and exit code, a finish card and an error', () => {
    const html = render([
      aMessageEvent({ seq: 1, text: 'run the tests' }),
      anActionEvent({ seq: 2, actionId: 'a1', action: { type: 'run_command', command: 'npm test' } }),
      anObservationEvent({
        seq: 3,
        actionId: 'a1',
        observation: {
          type: 'run_command',
          command: 'npm test',
          session: 'default',
          status: 'completed',
          exitCode: 1,
          output: '1 failing',
          timedOut: false,
          cwd: '/w',
        },
      }),
      anActionEvent({
        seq: 4,
        actionId: 'a2',
        toolName: 'finish',
        action: { type: 'finish', message: 'Done.' },
      }),
      anAgentStateEvent({ seq: 5, state: 'finished' }),
      anErrorEvent({ seq: 6 }),
    ]);
    expect(html).toContain('data-testid="event-message"');
    expect(html).toContain('run the tests');
    expect(html).toContain('data-action-type="run_command"');
    expect(html).toContain('npm test');
    expect(html).toContain('data-testid="event-observation"');
    expect(html).toContain('1 failing');
    expect(html).toContain('data-exit-code="1"');
    expect(html).toContain('data-action-type="finish"');
    expect(html).toContain('Done.');
    expect(html).toContain('data-testid="event-agent-state"');
    expect(html).toContain('data-testid="event-error"');
    // The paired observation is inside the card, not repeated on its own.
    expect(html.match(/data-testid="event-observation"/g)).toHaveLength(1);
  });

  it('shows a pending command until its observation arrives, and an orphan observation on its own', () => {
    const html = render([
      anActionEvent({ seq: 1, actionId: 'a1' }),
      anObservationEvent({ seq: 2, actionId: 'other' }),
    ]);
    expect(html).toContain('data-testid="action-pending"');
    expect(html).toContain('data-testid="event-observation"');
  });
});

describe('EventList rows', () => {
  it('gives each shown event a row with its type and seq, and the paired observation none', () => {
    const html = render([
      aMessageEvent({ seq: 1 }),
      anActionEvent({ seq: 2, actionId: 'a1' }),
      anObservationEvent({ seq: 3, actionId: 'a1' }),
      anAgentStateEvent({ seq: 4, state: 'running' }),
    ]);
    const rows = [...html.matchAll(/data-testid="event" data-event-type="(\w+)" data-seq="(\d+)"/g)].map(
      (match) => `${match[1] ?? ''}:${match[2] ?? ''}`,
    );
    expect(rows).toEqual(['message:1', 'action:2']);
    expect(html).toContain('data-observed="true"');
    expect(html).not.toContain('data-testid="event-gap"');
  });

  it('marks where seq numbers are missing rather than closing the gap silently', () => {
    const html = render([aMessageEvent({ seq: 1 }), aMessageEvent({ seq: 4 })]);
    expect(html).toContain('data-testid="event-gap"');
    expect(html).toContain('2 events could not be shown here (seq 2–3).');
  });
});
