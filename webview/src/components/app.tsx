import { useSyncExternalStore } from 'react';
import type { AgentState } from '@handoff/protocol';
import { hasConversation, isStarting } from '../state/chat-store';
import type { ChatState, ChatStore } from '../state/chat-store';
import { pendingActions } from '../state/conversation-reducer';
import { Composer } from './composer/composer';
import { ConfirmationBar } from './confirmation-bar/confirmation-bar';
import { ErrorBanner } from './error-banner/error-banner';
import { EventList } from './event-list/event-list';
import { StatusLine } from './status-line/status-line';
import { StuckBanner } from './stuck-banner/stuck-banner';

/** Which of Pause and Resume the composer offers in each agent state. */
function pauseControl(state: AgentState): 'pause' | 'resume' | undefined {
  if (state === 'running') return 'pause';
  if (state === 'paused') return 'resume';
  return undefined;
}

/** What sits above the status line when the agent needs the user: confirm, or go on after a stop. */
function AgentPrompt({ state, store }: { state: ChatState; store: ChatStore }) {
  const { agentState, agentStateReason } = state.conversation;
  if (agentState === 'awaiting_confirmation') {
    return (
      <ConfirmationBar
        pendingCount={pendingActions(state.conversation).length}
        onAnswer={(request) => void store.confirm(request)}
      />
    );
  }
  if (agentState === 'stuck') return <StuckBanner reason={agentStateReason} />;
  return null;
}

/** The whole chat view. */
export function App({ store }: { store: ChatStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const { agentState } = state.conversation;
  return (
    <main className="chat">
      <EventList conversation={state.conversation} streaming={state.streaming} />
      <footer className="chat-footer">
        {state.error !== undefined && (
          <ErrorBanner
            message={state.error}
            onDismiss={() => {
              store.dismissError();
            }}
          />
        )}
        <AgentPrompt state={state} store={store} />
        <StatusLine connection={state.connection} agentState={agentState} usage={state.conversation.usage} />
        <Composer
          disabled={isStarting(state)}
          canInterrupt={agentState === 'running'}
          startsConversation={!hasConversation(state)}
          pauseControl={pauseControl(agentState)}
          onSend={(text) => void store.send(text)}
          onInterrupt={() => void store.interrupt()}
          onPause={() => void store.pause()}
          onResume={() => void store.resume()}
        />
      </footer>
    </main>
  );
}
