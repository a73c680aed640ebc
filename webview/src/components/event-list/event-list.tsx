import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import type { Event } from '@handoff/protocol';
import { ActionCard } from '../action-cards/action-card';
import { ObservationView } from '../action-cards/observation-view';
import { agentStateLabel } from '../status-line/status-line';
import { isPaired, observationFor } from '../../state/conversation-reducer';
import type { ConversationState } from '../../state/conversation-reducer';
import type { StreamingResponse } from '../../state/streaming';
import { ConfirmationItem, CondensationItem, LlmUsageItem } from './event-markers';
import type { EventOf } from './event-markers';
import { StreamingMessage } from './streaming-message';
import { Markdown } from '../markdown/markdown';

export type EventRenderer<T extends Event['type']> = (props: {
  event: EventOf<T>;
  conversation: ConversationState;
}) => ReactNode;

function MessageItem({ event }: { event: EventOf<'message'> }) {
  return (
    <div className={`message message-${event.source}`} data-testid="event-message" data-source={event.source}>
      {event.source === 'user' ? event.text : <Markdown source={event.text} />}
    </div>
  );
}

function ActionItem({ event, conversation }: { event: EventOf<'action'>; conversation: ConversationState }) {
  return (
    <ActionCard
      event={event}
      observation={observationFor(conversation, event)}
      awaitingConfirmation={conversation.agentState === 'awaiting_confirmation'}
    />
  );
}

/** An observation whose action is unknown (paired ones are shown in their action's card). */
function ObservationItem({ event }: { event: EventOf<'observation'> }) {
  return (
    <article className="card">
      <header className="card-header">
        <span className="card-title">{event.toolName}</span>
      </header>
      <ObservationView observation={event.observation} />
    </article>
  );
}

/** Running and idle are in the status line; the list marks only where the agent stopped. */
function AgentStateItem({ event }: { event: EventOf<'agent_state_changed'> }) {
  return (
    <div className="agent-state-change" data-testid="event-agent-state" data-state={event.state}>
      {agentStateLabel(event.state)}
      {event.reason ? `: ${event.reason}` : ''}
    </div>
  );
}

function ErrorItem({ event }: { event: EventOf<'error'> }) {
  return (
    <div className="event-error" data-testid="event-error" data-code={event.error.code} role="alert">
      {event.error.message}
    </div>
  );
}

/** One renderer per event type: a new event type is a compile error until it has one. */
export const EVENT_RENDERERS = {
  message: MessageItem,
  action: ActionItem,
  observation: ObservationItem,
  agent_state_changed: AgentStateItem,
  error: ErrorItem,
  llm_usage: LlmUsageItem,
  condensation: CondensationItem,
  confirmation: ConfirmationItem,
} satisfies { [T in Event['type']]: EventRenderer<T> };

/**
 * Whether an event gets a row of its own: an observation paired with its action is shown in
 * the action's row, and running/idle are in the status line rather than in the list.
 */
export function hasRow(event: Event, conversation: ConversationState): boolean {
  if (event.type === 'observation') return !isPaired(conversation, event);
  if (event.type === 'agent_state_changed') return event.state !== 'running' && event.state !== 'idle';
  return true;
}

/** One row of the list, with the attributes the UI tests select on. */
function EventRow({ event, conversation }: { event: Event; conversation: ConversationState }) {
  const Render = EVENT_RENDERERS[event.type] as EventRenderer<Event['type']>;
  const observed = event.type === 'action' ? observationFor(conversation, event) !== undefined : undefined;
  return (
    <div
      className="event-row"
      data-testid="event"
      data-event-type={event.type}
      data-seq={event.seq}
      {...(observed === undefined ? {} : { 'data-observed': String(observed) })}
    >
      <Render event={event} conversation={conversation} />
    </div>
  );
}

/** Where events between two shown ones never arrived (the host should make this impossible). */
function GapMarker({ from, to }: { from: number; to: number }) {
  const count = to - from + 1;
  return (
    <div className="event-gap" data-testid="event-gap" role="note">
      {count === 1 ? '1 event' : `${String(count)} events`} could not be shown here (seq {from}
      {count > 1 ? `–${String(to)}` : ''}).
    </div>
  );
}

function rows(conversation: ConversationState): ReactNode[] {
  const out: ReactNode[] = [];
  let previous = 0;
  for (const event of conversation.events) {
    if (event.seq > previous + 1)
      out.push(<GapMarker key={`gap-${String(event.seq)}`} from={previous + 1} to={event.seq - 1} />);
    previous = event.seq;
    if (hasRow(event, conversation))
      out.push(<EventRow key={event.id} event={event} conversation={conversation} />);
  }
  return out;
}

/** The conversation, oldest first, then the response being streamed; scrolled to the newest. */
export function EventList({
  conversation,
  streaming,
}: {
  conversation: ConversationState;
  streaming?: StreamingResponse | undefined;
}) {
  const end = useRef<HTMLDivElement>(null);
  const count = conversation.events.length;
  const streamedLength = streaming ? streaming.text.length + streaming.reasoning.length : 0;
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count, streamedLength]);
  if (count === 0 && !streaming) {
    return (
      <div className="empty-state" data-testid="empty-state">
        Describe a task below. Handoff starts a sandbox and hands the work to an agent; you follow along here.
      </div>
    );
  }
  return (
    <div
      className="event-list"
      data-testid="event-list"
      role="log"
      aria-label="Conversation"
      aria-live="polite"
    >
      {rows(conversation)}
      {streaming && <StreamingMessage response={streaming} />}
      <div ref={end} />
    </div>
  );
}
