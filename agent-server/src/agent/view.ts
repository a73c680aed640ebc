import type { CondensationEvent, Event } from '@handoff/protocol';

/** Text the model reads as a user-side message that is no event of its own (a summary, recalled knowledge). */
export interface ContextItem {
  type: 'context';
  text: string;
}

/** One entry of the history the prompt is built from. */
export type HistoryItem = Event | ContextItem;

/** The latest condensation of the log, if any: later prompts are built from it. */
export function latestCondensation(events: readonly Event[]): CondensationEvent | undefined {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event?.type === 'condensation') return event;
  }
  return undefined;
}

/**
 * What the model sees of the log (OpenHands' `View`): with a condensation, the events before
 * its range, its summary in place of the range, then everything after it. Each condensation
 * summarizes the previous one too, so only the latest counts.
 */
export function condensedView(events: readonly Event[]): HistoryItem[] {
  const condensation = latestCondensation(events);
  if (condensation === undefined) return [...events];
  const view: HistoryItem[] = [];
  let summarized = false;
  for (const event of events) {
    if (event.seq < condensation.fromSeq) {
      view.push(event);
      continue;
    }
    if (!summarized) {
      view.push({ type: 'context', text: condensation.summary });
      summarized = true;
    }
    if (event.seq > condensation.toSeq) view.push(event);
  }
  return view;
}

/** Events since the last user message (all of them when there is none). */
export function sinceLastUserMessage(events: readonly Event[]): readonly Event[] {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event?.type === 'message' && event.source === 'user') return events.slice(index + 1);
  }
  return events;
}
