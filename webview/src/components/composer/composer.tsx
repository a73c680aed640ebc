import { useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ValueElement } from '../toolkit';

/** What the composer needs from the chat. */
export interface ComposerProps {
  /** True while a sandbox starts: nothing can be sent. */
  disabled: boolean;
  /** Why nothing can be sent, when it is for good (an archived conversation). */
  readOnlyReason?: string | undefined;
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

function placeholder({ readOnlyReason, startsConversation }: ComposerProps): string {
  if (readOnlyReason !== undefined) return readOnlyReason;
  return startsConversation ? 'Describe a task for the agent…' : 'Reply to the agent…';
}

/** The message box: Enter sends, Shift+Enter adds a line; the box keeps the focus after sending. */
export function Composer(props: ComposerProps) {
  const { startsConversation, onSend, readOnlyReason } = props;
  const disabled = props.disabled || readOnlyReason !== undefined;
  const [text, setText] = useState('');
  const input = useRef<ValueElement>(null);
  const submit = (): void => {
    const trimmed = text.trim();
    if (disabled || trimmed === '') return;
    onSend(trimmed);
    setText('');
    input.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<ValueElement>): void => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };
  return (
    <div className="composer" data-testid="composer">
      <vscode-text-area
        ref={input}
        className="composer-input"
        data-testid="composer-input"
        aria-label={startsConversation ? 'Task for the agent' : 'Message to the agent'}
        aria-keyshortcuts="Enter Shift+Enter"
        aria-description="Enter sends, Shift+Enter starts a new line"
        placeholder={placeholder(props)}
        rows={3}
        resize="vertical"
        value={text}
        disabled={disabled}
        onInput={(event) => {
          setText(event.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
      >
        {/* The toolkit names the inner textarea after this text on connect (else "Text area"),
            overriding aria-label; the label itself is hidden by CSS. */}
        {startsConversation ? 'Task for the agent' : 'Message to the agent'}
      </vscode-text-area>
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
        <vscode-button
          type="button"
          appearance="secondary"
          data-testid="composer-pause"
          aria-label="Pause the agent"
          onClick={onPause}
        >
          Pause
        </vscode-button>
      )}
      {pauseControl === 'resume' && (
        <vscode-button
          type="button"
          appearance="secondary"
          data-testid="composer-resume"
          aria-label="Resume the agent"
          onClick={onResume}
        >
          Resume
        </vscode-button>
      )}
      {canInterrupt && (
        <vscode-button
          type="button"
          appearance="secondary"
          data-testid="composer-interrupt"
          aria-label="Stop the agent (Escape)"
          aria-keyshortcuts="Escape"
          title="Stop (Escape)"
          onClick={onInterrupt}
        >
          Stop
        </vscode-button>
      )}
      <vscode-button
        type="button"
        data-testid="send"
        aria-label={startsConversation ? 'Start the conversation (Enter)' : 'Send the message (Enter)'}
        disabled={!canSend}
        onClick={onSend}
      >
        {startsConversation ? 'Start' : 'Send'}
      </vscode-button>
    </div>
  );
}
