/**
 * @module The response the model is generating now, built from `conversation/streamDelta`
 * notifications. Pure. The next event replaces it (see the chat reducer).
 */
import type { HostNotificationParams } from '@handoff/protocol';

/** One stream delta as the host relays it. */
export type StreamDelta = HostNotificationParams<'conversation/streamDelta'>;

/** The text and reasoning streamed so far for one response. */
export interface StreamingResponse {
  readonly responseId: string;
  /** Visible text so far. */
  readonly text: string;
  /** The model's reasoning so far, when it exposes it. */
  readonly reasoning: string;
}

/** Adds a delta; a delta of another response starts over (the earlier one was abandoned). */
export function applyStreamDelta(
  current: StreamingResponse | undefined,
  delta: StreamDelta,
): StreamingResponse {
  const base =
    current?.responseId === delta.responseId
      ? current
      : { responseId: delta.responseId, text: '', reasoning: '' };
  return delta.kind === 'text'
    ? { ...base, text: base.text + delta.delta }
    : { ...base, reasoning: base.reasoning + delta.delta };
}
