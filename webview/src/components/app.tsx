import { useSyncExternalStore } from 'react';
import { hasConversation, isStarting } from '../state/chat-store';
import type { ChatStore } from '../state/chat-store';
import { Composer } from './composer/composer';
import { ErrorBanner } from './error-banner/error-banner';
import { EventList } from './event-list/event-list';
import { StatusLine } from './status-line/status-line';

/** The whole chat view. */
export function App({ store }: { store: ChatStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  return (
    <main className="chat">
      <EventList conversation={state.conversation} />
      <footer className="chat-footer">
        {state.error !== undefined && (
          <ErrorBanner
            message={state.error}
            onDismiss={() => {
              store.dismissError();
            }}
          />
        )}
        <StatusLine connection={state.connection} agentState={state.conversation.agentState} />
        <Composer
          disabled={isStarting(state)}
          canInterrupt={state.conversation.agentState === 'running'}
          startsConversation={!hasConversation(state)}
          onSend={(text) => void store.send(text)}
          onInterrupt={() => void store.interrupt()}
        />
      </footer>
    </main>
  );
}
