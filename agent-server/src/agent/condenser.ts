/**
 * @module OpenHands' `LLMSummarizingCondenser`: when the prompt nears the context window (or
 * the provider says it overflowed), the first events stay, the newest stay, and the middle is
 * replaced by an LLM summary recorded as a `condensation` event.
 */
import type { CondensationEvent, Event } from '@handoff/protocol';
import { toolOutput } from '../tools/tools';
import { emit } from './agent-context';
import type { AgentRun } from './agent-run';
import { estimateTokens } from './build-prompt';
import { callModel } from './call-model';
import { SUMMARIZING_PROMPT_HEAD, SUMMARIZING_PROMPT_TAIL } from './summarizing-prompt';
import { condensedView, latestCondensation } from './view';

/** Events always kept at the start (OpenHands' `keep_first`). */
export const KEEP_FIRST = 4;
/** Condense once the prompt reaches this share of the context window. */
export const CONDENSE_AT_SHARE = 0.8;
/** Longest text of one forgotten event in the summary request (OpenHands' `max_event_length`). */
const MAX_EVENT_CHARS = 10_000;
/** When neither the config nor the table knows the model. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const CONTEXT_WINDOWS: readonly (readonly [RegExp, number])[] = [
  [/^claude-/, 200_000],
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^gpt-4o/, 128_000],
  [/^gpt-4-turbo/, 128_000],
  [/^gpt-4(?!\.|o)/, 8_192],
  [/^gpt-3\.5-turbo/, 16_385],
  [/^o[134]/, 200_000],
];

/** The model's context window: the config's, else the table's, else 128k. */
export function contextWindowOf(run: AgentRun): number {
  const { contextWindow, model } = run.ctx.llmConfig;
  if (contextWindow !== undefined) return contextWindow;
  const name = model.slice(model.indexOf('/') + 1).replace(/^.*\//, '');
  return CONTEXT_WINDOWS.find(([pattern]) => pattern.test(name))?.[1] ?? DEFAULT_CONTEXT_WINDOW;
}

/** Whether a prompt of this size should be condensed first. */
export function nearsContextWindow(run: AgentRun, estimatedTokens: number): boolean {
  return estimatedTokens >= contextWindowOf(run) * CONDENSE_AT_SHARE;
}

type Relevant = Extract<Event, { type: 'message' | 'action' | 'observation' }>;

const isRelevant = (item: { type: string }): item is Relevant =>
  item.type === 'message' || item.type === 'action' || item.type === 'observation';

/**
 * Indices where the history may be cut: never between an action and its observation, so the
 * tool-call pairs providers insist on stay whole. `events.length` is always one.
 */
function cutPoints(events: readonly Relevant[]): number[] {
  const pending = new Set<string>();
  const points: number[] = [];
  events.forEach((event, index) => {
    if (pending.size === 0 && event.type !== 'observation') points.push(index);
    if (event.type === 'action' && event.action.type !== 'finish') pending.add(event.actionId);
    if (event.type === 'observation') pending.delete(event.actionId);
  });
  if (pending.size === 0) points.push(events.length);
  return points;
}

/**
 * The part of the visible history to forget: [start, end) of `visible`, or nothing. The kept
 * newest events get half the room the window leaves beside the system prompt, the tools and
 * the first events (OpenHands keeps "roughly the newest half"); after an overflow error, at
 * most half of the history is kept.
 */
function forgetRange(
  run: AgentRun,
  visible: readonly Relevant[],
  previous: CondensationEvent | undefined,
  overflow: boolean,
): { start: number; end: number } | undefined {
  const points = cutPoints(visible);
  const start =
    previous === undefined
      ? points.find((point) => point >= KEEP_FIRST)
      : visible.findIndex((event) => event.seq > previous.toSeq);
  if (start === undefined || start < 0) return undefined;
  const sizes = visible.map((event) => estimateTokens(event));
  const sum = (from: number, to = sizes.length): number => sizes.slice(from, to).reduce((a, b) => a + b, 0);
  const fixed = estimateTokens({ system: run.systemPrompt, tools: run.ctx.tools }) + sum(0, start);
  const room = Math.max(0, contextWindowOf(run) * CONDENSE_AT_SHARE - fixed);
  const budget = overflow ? Math.min(room, sum(0)) / 2 : room / 2;
  const candidates = points.filter((point) => point > start);
  const end = candidates.find((point) => sum(point) <= budget) ?? candidates[candidates.length - 1];
  return end === undefined ? undefined : { start, end };
}

/** How a forgotten event reads in the summary request. */
function describe(event: Relevant, actions: Map<string, Relevant>): string {
  let text: string;
  if (event.type === 'message') text = `${event.source === 'user' ? 'User' : 'Agent'} message: ${event.text}`;
  else if (event.type === 'action') {
    actions.set(event.actionId, event);
    text = `Action ${event.toolName}: ${event.thought === '' ? '' : `${event.thought}\n`}${event.toolArguments ?? JSON.stringify(event.action)}`;
  } else {
    const action = actions.get(event.actionId);
    text = `Observation of ${event.toolName}: ${toolOutput(action?.type === 'action' ? action.action : undefined, event.observation)}`;
  }
  return text.length <= MAX_EVENT_CHARS ? text : `${text.slice(0, MAX_EVENT_CHARS)}\n[... truncated ...]`;
}

/**
 * Summarizes the middle of the history with one LLM call and records the condensation.
 * Returns false when there is nothing left to forget (only the first and the newest events).
 */
export async function condense(run: AgentRun, reason: CondensationEvent['reason']): Promise<boolean> {
  const events = run.ctx.events.all();
  const previous = latestCondensation(events);
  const visible = condensedView(events).filter(isRelevant);
  const range = forgetRange(run, visible, previous, reason === 'context_overflow_error');
  if (range === undefined) return false;
  const forgotten = visible.slice(range.start, range.end);
  const first = forgotten[0];
  const last = forgotten[forgotten.length - 1];
  if (first === undefined || last === undefined) return false;
  const actions = new Map<string, Relevant>();
  const described = [
    ...(previous === undefined ? [] : [`Summary of earlier events:\n${previous.summary}`]),
    ...forgotten.map((event) => describe(event, actions)),
  ];
  const prompt =
    SUMMARIZING_PROMPT_HEAD +
    described.map((text) => `\n<EVENT>\n${text}\n</EVENT>\n`).join('') +
    SUMMARIZING_PROMPT_TAIL;
  const response = await callModel(
    run,
    { messages: [{ role: 'user', content: run.masker.mask(prompt) }], tools: [] },
    'condensation',
  );
  await emit(run.events, {
    type: 'condensation',
    source: 'agent',
    fromSeq: previous?.fromSeq ?? first.seq,
    toSeq: last.seq,
    summary: response.text.trim(),
    reason,
  });
  return true;
}
