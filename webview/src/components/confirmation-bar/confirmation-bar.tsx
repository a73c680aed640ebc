import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ConfirmRequest } from '@handoff/protocol';
import type { ValueElement } from '../toolkit';

/** What the confirmation bar needs from the chat. */
export interface ConfirmationBarProps {
  /** How many actions wait for the answer. */
  pendingCount: number;
  onAnswer: (request: ConfirmRequest) => void;
}

/** The rejection to send for what the user typed: a blank reason is left out. */
export function rejectionRequest(reason: string): ConfirmRequest {
  const trimmed = reason.trim();
  return trimmed === '' ? { accept: false } : { accept: false, reason: trimmed };
}

function question(count: number): string {
  if (count === 0) return 'The agent is waiting for your confirmation.';
  return count === 1
    ? 'The agent wants to run 1 action.'
    : `The agent wants to run ${String(count)} actions.`;
}

/** Approve, and Reject (which becomes "Send rejection" once the reason field is open). */
function ConfirmationButtons({
  rejecting,
  onApprove,
  onReject,
}: {
  rejecting: boolean;
  onApprove: () => void;
  onReject: () => void;
}) {
  return (
    <div className="confirmation-actions">
      <vscode-button
        type="button"
        data-testid="approve"
        aria-label="Approve the waiting actions"
        onClick={onApprove}
      >
        Approve
      </vscode-button>
      <vscode-button
        type="button"
        appearance="secondary"
        data-testid="reject"
        aria-label={rejecting ? 'Send the rejection' : 'Reject the waiting actions'}
        onClick={onReject}
      >
        {rejecting ? 'Send rejection' : 'Reject'}
      </vscode-button>
    </div>
  );
}

/**
 * Confirmation mode: Approve runs the waiting actions; Reject first asks for an optional reason
 * (the model reads it), then sends the rejection on a second click or Enter.
 */
export function ConfirmationBar({ pendingCount, onAnswer }: ConfirmationBarProps) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const reasonField = useRef<ValueElement>(null);
  useEffect(() => {
    if (rejecting) reasonField.current?.focus();
  }, [rejecting]);
  const reject = (): void => {
    if (!rejecting) {
      setRejecting(true);
      return;
    }
    onAnswer(rejectionRequest(reason));
    setRejecting(false);
    setReason('');
  };
  const onKeyDown = (event: KeyboardEvent<ValueElement>): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      reject();
    } else if (event.key === 'Escape') {
      // Escape leaves the reason field; it must not also stop the agent.
      event.stopPropagation();
      setRejecting(false);
    }
  };
  return (
    <div
      className="confirmation-bar"
      role="group"
      aria-label="Confirm actions"
      data-testid="confirmation-bar"
    >
      <span className="confirmation-question" role="status">
        {question(pendingCount)}
      </span>
      {rejecting && (
        <vscode-text-field
          ref={reasonField}
          className="confirmation-reason-input"
          data-testid="confirm-reason"
          aria-label="Why (optional, the agent reads it)"
          placeholder="Why? (optional)"
          value={reason}
          onInput={(event) => {
            setReason(event.currentTarget.value);
          }}
          onKeyDown={onKeyDown}
        />
      )}
      <ConfirmationButtons
        rejecting={rejecting}
        onApprove={() => {
          onAnswer({ accept: true });
        }}
        onReject={reject}
      />
    </div>
  );
}
