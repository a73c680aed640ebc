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
type EventRenderer<T extends Event['type']> = (props: {
  event: EventOf<T>;
  conversation: ConversationState;
}) => ReactNode;

function MessageItem({ event }: { event: EventOf<'message'> }) {
  return (
    <div className={`message message-${event.source}`} data-testid="event-message" data-source={event.source}>
      {event.text}
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

/** Observations are shown in their action's card; only one whose action is unknown stands alone. */
function ObservationItem({
  event,
  conversation,
}: {
  event: EventOf<'observation'>;
  conversation: ConversationState;
}) {
  if (isPaired(conversation, event)) return null;
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
  if (event.state === 'running' || event.state === 'idle') return null;
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
    <div className="event-list" data-testid="event-list">
      {conversation.events.map((event) => {
        const Render = EVENT_RENDERERS[event.type] as EventRenderer<Event['type']>;
        return <Render key={event.id} event={event} conversation={conversation} />;
      })}
      {streaming && <StreamingMessage response={streaming} />}
      <div ref={end} />
    </div>
  );
}
