import { ZERO_LLM_USAGE } from '@handoff/protocol';
import type { LlmUsage } from '@handoff/protocol';
import { formatUsageTotal } from '../format';

/** What the header shows. */
export interface ChatHeaderProps {
  title: string;
  /** The model in use, when the host said (`provider/model`). */
  model: string | undefined;
  usage: LlmUsage | undefined;
  historyOpen: boolean;
  onToggleHistory: () => void;
  onNewConversation: () => void;
}

/** The conversation's title, the model, what it has cost so far, History and New conversation. */
export function ChatHeader(props: ChatHeaderProps) {
  const { title, model, usage, historyOpen } = props;
  return (
    <header className="chat-header">
      <div className="chat-header-text">
        <h1 className="conversation-title" data-testid="conversation-title" title={title}>
          {title}
        </h1>
        <div className="chat-header-meta">
          {model !== undefined && (
            <span className="model-name" data-testid="model" title="Model">
              {model}
            </span>
          )}
          <span
            className="usage"
            data-testid="usage"
            role="status"
            aria-label={`Cost and tokens of this conversation: ${formatUsageTotal(usage ?? ZERO_LLM_USAGE)}`}
          >
            {formatUsageTotal(usage ?? ZERO_LLM_USAGE)}
          </span>
        </div>
      </div>
      <div className="chat-header-actions">
        <vscode-button
          appearance="secondary"
          data-testid="history"
          aria-label={historyOpen ? 'Back to the conversation' : 'Conversation history'}
          aria-expanded={historyOpen}
          aria-controls="history-panel"
          title="Conversation history"
          onClick={props.onToggleHistory}
        >
          {historyOpen ? 'Back' : 'History'}
        </vscode-button>
        <vscode-button
          appearance="secondary"
          data-testid="new-conversation"
          aria-label="New conversation"
          title="New conversation"
          onClick={props.onNewConversation}
        >
          New
        </vscode-button>
      </div>
    </header>
  );
}
