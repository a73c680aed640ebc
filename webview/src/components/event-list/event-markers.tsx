/**
 * @module Events that mark the conversation rather than carry its content: LLM usage,
 * condensation and the user's confirmation answers.
 */
import type { Event } from '@handoff/protocol';
import { formatTokens, formatUsd } from '../format';

/** The event of one type. */
export type EventOf<T extends Event['type']> = Extract<Event, { type: T }>;

/** The model name without its provider prefix (`openai/gpt-4o` → `gpt-4o`). */
function shortModel(model: string): string {
  return model.slice(model.indexOf('/') + 1);
}

/** One LLM call, in a compact muted line: model, tokens in and out, cache reads, cost. */
export function LlmUsageItem({ event }: { event: EventOf<'llm_usage'> }) {
  const { call } = event;
  const parts = [
    shortModel(event.model),
    `${formatTokens(call.inputTokens)} in`,
    `${formatTokens(call.outputTokens)} out`,
    ...(call.cacheReadTokens > 0 ? [`${formatTokens(call.cacheReadTokens)} cached`] : []),
    formatUsd(call.costUsd),
  ];
  return (
    <div
      className="llm-usage"
      data-testid="event-llm-usage"
      data-purpose={event.purpose}
      title={event.purpose === 'condensation' ? 'Summarizing earlier steps' : 'Agent step'}
    >
      {parts.join(' · ')}
    </div>
  );
}

/** A divider where history was summarized; the summary folds open. */
export function CondensationItem({ event }: { event: EventOf<'condensation'> }) {
  return (
    <div className="condensation" data-testid="event-condensation" data-reason={event.reason}>
      <div className="divider" role="separator">
        <span>Earlier steps were summarized</span>
      </div>
      <details className="condensation-summary">
        <summary>Summary</summary>
        <p data-testid="condensation-summary">{event.summary}</p>
      </details>
    </div>
  );
}

function actionCount(count: number): string {
  return count === 1 ? '1 action' : `${String(count)} actions`;
}

/** The user's answer to actions awaiting confirmation. */
export function ConfirmationItem({ event }: { event: EventOf<'confirmation'> }) {
  const what = actionCount(event.actionIds.length);
  return (
    <div
      className={event.accept ? 'confirmation confirmation-accepted' : 'confirmation confirmation-rejected'}
      data-testid="event-confirmation"
      data-accept={event.accept ? 'true' : 'false'}
    >
      {event.accept ? `Accepted ${what}` : `Rejected ${what}`}
      {event.reason ? <span className="confirmation-reason">: {event.reason}</span> : null}
    </div>
  );
}
