import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ValueElement } from '../toolkit';

/** What the composer needs from the chat. */
export interface ComposerProps {
  /** True while a sandbox starts: nothing can be sent. */
  disabled: boolean;
  /** Show the Stop button (the agent is working). */
  canInterrupt: boolean;
  /** Whether the next message starts a conversation (changes the placeholder). */
  startsConversation: boolean;
  onSend: (text: string) => void;
  onInterrupt: () => void;
}

/** The message box: Enter sends, Shift+Enter adds a line. */
export function Composer({ disabled, canInterrupt, startsConversation, onSend, onInterrupt }: ComposerProps) {
  const [text, setText] = useState('');
  const submit = (): void => {
    const trimmed = text.trim();
    if (disabled || trimmed === '') return;
    onSend(trimmed);
    setText('');
  };
  const onKeyDown = (event: KeyboardEvent<ValueElement>): void => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };
  return (
    <div className="composer" data-testid="composer">
      <vscode-text-area
        className="composer-input"
        data-testid="composer-input"
        aria-label="Message"
        placeholder={startsConversation ? 'Describe a task for the agent…' : 'Reply to the agent…'}
        rows={3}
        resize="vertical"
        value={text}
        disabled={disabled}
        onInput={(event) => {
          setText(event.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
      />
      <ComposerActions
        canInterrupt={canInterrupt}
        canSend={!disabled && text.trim() !== ''}
        startsConversation={startsConversation}
        onSend={submit}
        onInterrupt={onInterrupt}
      />
    </div>
  );
}

interface ComposerActionsProps {
  canInterrupt: boolean;
  canSend: boolean;
  startsConversation: boolean;
  onSend: () => void;
  onInterrupt: () => void;
}

function ComposerActions({
  canInterrupt,
  canSend,
  startsConversation,
  onSend,
  onInterrupt,
}: ComposerActionsProps) {
  return (
    <div className="composer-actions">
      {canInterrupt && (
        <vscode-button
          type="button"
          appearance="secondary"
          data-testid="composer-interrupt"
          onClick={onInterrupt}
        >
          Stop
        </vscode-button>
      )}
      <vscode-button type="button" data-testid="composer-send" disabled={!canSend} onClick={onSend}>
        {startsConversation ? 'Start' : 'Send'}
      </vscode-button>
    </div>
  );
}
