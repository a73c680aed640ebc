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
  /** Show Pause (the agent is working) or Resume (it is paused); absent: neither. */
  pauseControl?: 'pause' | 'resume' | undefined;
  onSend: (text: string) => void;
  onInterrupt: () => void;
  onPause?: () => void;
  onResume?: () => void;
}

/** The message box: Enter sends, Shift+Enter adds a line. */
export function Composer(props: ComposerProps) {
  const { disabled, startsConversation, onSend } = props;
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
      <ComposerActions {...props} canSend={!disabled && text.trim() !== ''} onSend={submit} />
    </div>
  );
}

interface ComposerActionsProps extends Omit<ComposerProps, 'onSend' | 'disabled'> {
  canSend: boolean;
  onSend: () => void;
}

function ComposerActions({
  canInterrupt,
  canSend,
  startsConversation,
  pauseControl,
  onSend,
  onInterrupt,
  onPause,
  onResume,
}: ComposerActionsProps) {
  return (
    <div className="composer-actions">
      {pauseControl === 'pause' && (
        <vscode-button type="button" appearance="secondary" data-testid="composer-pause" onClick={onPause}>
          Pause
        </vscode-button>
      )}
      {pauseControl === 'resume' && (
        <vscode-button type="button" appearance="secondary" data-testid="composer-resume" onClick={onResume}>
          Resume
        </vscode-button>
      )}
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
