import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { EVENT_TYPES } from '@handoff/protocol';
import type { Event } from '@handoff/protocol';
import {
  aConfirmationEvent,
  aCondensationEvent,
  anActionEvent,
  anAgentStateEvent,
  anLlmUsageEvent,
} from '@handoff/protocol/testing';
import { applyEvents, initialConversationState } from '../../state/conversation-reducer';
import type { StreamingResponse } from '../../state/streaming';
import { EVENT_RENDERERS, EventList } from './event-list';

function render(events: Event[], streaming?: StreamingResponse): string {
  return renderToStaticMarkup(
    <EventList conversation={applyEvents(initialConversationState, events)} streaming={streaming} />,
  );
}

const usage = {
  inputTokens: 12_000,
  outputTokens: 340,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0.0123,
  latencyMs: 900,
};

describe('event renderers', () => {
  it('has a renderer for every event type', () => {
    expect(Object.keys(EVENT_RENDERERS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('shows an LLM call as a compact line: model, tokens, cache reads when any, cost', () => {
    const html = render([anLlmUsageEvent({ seq: 1, model: 'anthropic/claude-sonnet-4-5', call: usage })]);
    expect(html).toContain('data-testid="event-llm-usage"');
    expect(html).toContain('claude-sonnet-4-5 · 12k in · 340 out · $0.0123');
    const cached = render([anLlmUsageEvent({ seq: 1, call: { ...usage, cacheReadTokens: 9500 } })]);
    expect(cached).toContain('9.5k cached');
  });

  it('marks a condensation with a divider and folds the summary away', () => {
    const html = render([aCondensationEvent({ seq: 1, summary: 'Found the failing test in utils.' })]);
    expect(html).toContain('data-testid="event-condensation"');
    expect(html).toContain('Earlier steps were summarized');
    expect(html).toMatch(/<details class="condensation-summary"><summary>Summary<\/summary>/);
    expect(html).toContain('Found the failing test in utils.');
  });

  it('shows accepted and rejected confirmations, with the reason', () => {
    const accepted = render([aConfirmationEvent({ seq: 1, accept: true, actionIds: ['a', 'b'] })]);
    expect(accepted).toContain('data-accept="true"');
    expect(accepted).toContain('Accepted 2 actions');
    const rejected = render([aConfirmationEvent({ seq: 1, accept: false, reason: 'wrong branch' })]);
    expect(rejected).toContain('data-accept="false"');
    expect(rejected).toMatch(/Rejected 1 action<span class="confirmation-reason">: wrong branch<\/span>/);
  });

  it('marks where the agent got stuck or started waiting for confirmation', () => {
    const html = render([
      anAgentStateEvent({ seq: 1, state: 'awaiting_confirmation' }),
      anAgentStateEvent({ seq: 2, state: 'stuck', reason: 'repeated the same action 4 times' }),
    ]);
    expect(html).toContain('data-state="awaiting_confirmation"');
    expect(html).toContain('Waiting for your confirmation');
    expect(html).toContain('Stopped: it was repeating itself: repeated the same action 4 times');
  });

  it('shows actions waiting for confirmation as such, not as running', () => {
    const waiting = render([
      anActionEvent({ seq: 1, actionId: 'a1' }),
      anAgentStateEvent({ seq: 2, state: 'awaiting_confirmation' }),
    ]);
    expect(waiting).toContain('data-awaiting-confirmation="true"');
    expect(waiting).toContain('Waiting for your confirmation');
    expect(render([anActionEvent({ seq: 1, actionId: 'a1' })])).not.toContain('data-awaiting-confirmation');
  });
});

describe('streaming message', () => {
  it('shows the text streamed so far after the events, and the reasoning in a muted foldable block', () => {
    const html = render([anActionEvent({ seq: 1 })], {
      responseId: 'r1',
      text: 'Now I will fix it',
      reasoning: 'The import is wrong.',
    });
    expect(html.indexOf('data-testid="event-action"')).toBeLessThan(
      html.indexOf('data-testid="streaming-message"'),
    );
    expect(html).toMatch(/data-testid="streaming-text"[^>]*><div class="markdown"><p>Now I will fix it/);
    expect(html).toMatch(/<details class="thinking" data-testid="streaming-reasoning" open="">/);
    expect(html).toContain('The import is wrong.');
  });

  it('replaces the empty state while the first response streams, and shows no empty parts', () => {
    const html = render([], { responseId: 'r1', text: 'Hel', reasoning: '' });
    expect(html).not.toContain('data-testid="empty-state"');
    expect(html).not.toContain('streaming-reasoning');
    expect(render([], { responseId: 'r1', text: '', reasoning: 'Hm' })).not.toContain('streaming-text');
  });
});
