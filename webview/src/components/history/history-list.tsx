import { useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import type { ConversationSummary } from '@handoff/protocol';
import { formatRelativeTime, formatTokens, formatUsd } from '../format';

/** What the history list needs. */
export interface HistoryListProps {
  items: readonly ConversationSummary[];
  /** The conversation shown now, marked in the list. */
  currentId: string | undefined;
  onOpen: (conversationId: string) => void;
  onClose: () => void;
  /** `Date.now()` by default; fixed in tests. */
  now?: number;
}

/** Up and Down move between entries; Home and End jump; Escape closes the list. */
function onListKeyDown(event: KeyboardEvent<HTMLUListElement>, onClose: () => void): void {
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button.history-item')];
  const index = buttons.findIndex((button) => button === document.activeElement);
  const target = {
    ArrowDown: buttons[Math.min(index + 1, buttons.length - 1)],
    ArrowUp: buttons[Math.max(index - 1, 0)],
    Home: buttons[0],
    End: buttons[buttons.length - 1],
  }[event.key];
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    onClose();
  } else if (target) {
    event.preventDefault();
    target.focus();
  }
}

function HistoryItem({
  item,
  current,
  now,
  onOpen,
}: {
  item: ConversationSummary;
  current: boolean;
  now: number | undefined;
  onOpen: (conversationId: string) => void;
}) {
  const when = formatRelativeTime(item.updatedAt, now);
  const availability = item.live ? 'live' : 'archived';
  return (
    <li>
      <button
        type="button"
        className="history-item"
        data-testid="history-item"
        data-conversation-id={item.conversationId}
        data-live={item.live ? 'true' : 'false'}
        aria-current={current ? 'true' : undefined}
        aria-label={`${item.title}, ${item.status}, ${formatUsd(item.costUsd)}, ${when}, ${availability}`}
        onClick={() => {
          onOpen(item.conversationId);
        }}
      >
        <span className="history-title">{item.title}</span>
        <span className="history-meta">
          <span className="history-status" data-status={item.status}>
            {item.status}
          </span>
          <span>{formatUsd(item.costUsd)}</span>
          <span>{formatTokens(item.tokens)} tokens</span>
          <time dateTime={item.updatedAt}>{when}</time>
          <span className={`history-availability history-${availability}`}>{availability}</span>
        </span>
      </button>
    </li>
  );
}

/** Past and current conversations, newest first; choosing one opens it with its full history. */
export function HistoryList({ items, currentId, onOpen, onClose, now }: HistoryListProps) {
  const section = useRef<HTMLElement>(null);
  const hasItems = items.length > 0;
  // The focus moves into the list when it opens, and to its first entry once there is one.
  useEffect(() => {
    const first = section.current?.querySelector<HTMLButtonElement>('button.history-item');
    (first ?? section.current)?.focus();
  }, [hasItems]);
  return (
    <section
      ref={section}
      tabIndex={-1}
      className="history"
      id="history-panel"
      data-testid="history-panel"
      aria-label="Conversation history"
    >
      {items.length === 0 ? (
        <p className="history-empty" data-testid="history-empty">
          No conversations yet.
        </p>
      ) : (
        <ul
          className="history-list"
          aria-label="Conversations, newest first"
          onKeyDown={(event) => {
            onListKeyDown(event, onClose);
          }}
        >
          {items.map((item) => (
            <HistoryItem
              key={item.conversationId}
              item={item}
              current={item.conversationId === currentId}
              now={now}
              onOpen={onOpen}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
