import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AgentState } from '@handoff/protocol';
import { conversationTitle, hasConversation, isReadOnly, isStarting } from '../state/chat-reducer';
import type { ChatState } from '../state/chat-reducer';
import type { ChatStore } from '../state/chat-store';
import { pendingActions } from '../state/conversation-reducer';
import { ChangesPanel } from './changes/changes-panel';
import { Composer } from './composer/composer';
import { ConfirmationBar } from './confirmation-bar/confirmation-bar';
import { ErrorBanner } from './error-banner/error-banner';
import { EventList } from './event-list/event-list';
import { ChatHeader } from './header/chat-header';
import { HistoryList } from './history/history-list';
import { ConnectionBanner, ReadOnlyNotice, RestrictedNotice } from './notices/notices';
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
  if (isReadOnly(state)) return null;
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

/** Escape closes the history list, else stops a running agent. */
function useEscape(onEscape: () => void): void {
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !event.defaultPrevented) onEscape();
    };
    document.addEventListener('keydown', listener);
    return () => {
      document.removeEventListener('keydown', listener);
    };
  }, [onEscape]);
}

/** The footer: banners, the agent's changes, confirmation, status line and the composer. */
function Footer({ state, store }: { state: ChatState; store: ChatStore }) {
  const { agentState } = state.conversation;
  const readOnly = isReadOnly(state);
  return (
    <footer className="chat-footer">
      <ConnectionBanner connection={state.connection} />
      {state.workspace?.trusted === false && <RestrictedNotice />}
      {state.error !== undefined && (
        <ErrorBanner
          message={state.error}
          onDismiss={() => {
            store.dismissError();
          }}
        />
      )}
      {state.changes && !state.drafting && (
        <ChangesPanel
          mode={state.changes.mode}
          changes={state.changes.changes}
          onOpen={(path) => void store.openChange(path)}
          onAccept={(paths) => void store.acceptChanges(paths)}
          onReject={(paths) => void store.rejectChanges(paths)}
        />
      )}
      <AgentPrompt state={state} store={store} />
      {readOnly && <ReadOnlyNotice />}
      <StatusLine connection={state.connection} agentState={agentState} />
      <Composer
        disabled={isStarting(state)}
        readOnlyReason={readOnly ? 'This conversation is archived and cannot continue.' : undefined}
        canInterrupt={agentState === 'running' && !readOnly}
        startsConversation={!hasConversation(state)}
        pauseControl={readOnly ? undefined : pauseControl(agentState)}
        onSend={(text) => void store.send(text)}
        onInterrupt={() => void store.interrupt()}
        onPause={() => void store.pause()}
        onResume={() => void store.resume()}
      />
    </footer>
  );
}

/** The whole chat view: header, then the history list or the conversation with its footer. */
export function App({ store }: { store: ChatStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const [historyOpen, setHistoryOpen] = useState(false);
  const running = state.conversation.agentState === 'running' && !isReadOnly(state);
  useEscape(() => {
    if (historyOpen) setHistoryOpen(false);
    else if (running) void store.interrupt();
  });
  const focusComposer = (): void => {
    queueMicrotask(() => {
      document.querySelector<HTMLElement>('[data-testid="composer-input"]')?.focus();
    });
  };
  return (
    <main className="chat">
      <ChatHeader
        title={conversationTitle(state)}
        model={state.workspace?.model}
        usage={state.drafting ? undefined : state.conversation.usage}
        historyOpen={historyOpen}
        onToggleHistory={() => {
          if (!historyOpen) void store.refreshHistory();
          setHistoryOpen(!historyOpen);
        }}
        onNewConversation={() => {
          store.newConversation();
          setHistoryOpen(false);
          focusComposer();
        }}
      />
      {historyOpen ? (
        <HistoryList
          items={state.history}
          currentId={state.drafting ? undefined : state.conversationId}
          onOpen={(conversationId) => {
            setHistoryOpen(false);
            void store.open(conversationId);
            focusComposer();
          }}
          onClose={() => {
            setHistoryOpen(false);
          }}
        />
      ) : (
        <>
          <EventList conversation={state.conversation} streaming={state.streaming} />
          <Footer state={state} store={store} />
        </>
      )}
    </main>
  );
}
