/**
 * @module OpenHands' stuck detection (`controller/stuck.py`, V1 `stuck_detector.py`), over the
 * history since the last user message: the agent repeats an action and gets the same result,
 * repeats an action that keeps failing, repeats a message, alternates between two steps, or
 * condenses again and again.
 */
import type { Action, Event, Observation } from '@handoff/protocol';
import { sinceLastUserMessage } from './view';

/** Which loop the agent is in. */
export type StuckRule =
  | 'repeating_action_observation'
  | 'repeating_action_error'
  | 'monologue'
  | 'alternating_pattern'
  | 'condensation_loop';

/** Why the agent is stuck, worded for the user. */
export interface StuckReport {
  rule: StuckRule;
  reason: string;
}

/** A step as stuck detection compares it. */
type Step =
  | { kind: 'pair'; action: string; observation: string; error: boolean }
  | { kind: 'message'; text: string }
  | { kind: 'condensation' };

const REASONS: Record<StuckRule, string> = {
  repeating_action_observation:
    'The agent repeated the same action 4 times and got the same result each time.',
  repeating_action_error: 'The agent repeated the same action 3 times and it failed each time.',
  monologue: 'The agent sent the same message 3 times without user input.',
  alternating_pattern: 'The agent alternated between the same two actions and results 3 times each.',
  condensation_loop: 'The agent condensed its history 10 times in a row without making progress.',
};

/** The loop the agent is stuck in since the last user message, if any. */
export function detectStuck(events: readonly Event[]): StuckReport | undefined {
  const steps = toSteps(sinceLastUserMessage(events));
  if (steps.length < 3) return undefined;
  const rule = firstRule(steps);
  return rule === undefined ? undefined : { rule, reason: `Agent got stuck in a loop: ${REASONS[rule]}` };
}

function firstRule(steps: readonly Step[]): StuckRule | undefined {
  const pairs = steps.filter((step) => step.kind === 'pair');
  if (repeated(pairs.slice(-4), 4, (a, b) => a.action === b.action && a.observation === b.observation))
    return 'repeating_action_observation';
  const lastThree = pairs.slice(-3);
  if (lastThree.every((pair) => pair.error) && repeated(lastThree, 3, (a, b) => a.action === b.action))
    return 'repeating_action_error';
  const tail = steps.slice(-3);
  if (tail.every((step) => step.kind === 'message') && repeated(tail, 3, (a, b) => a.text === b.text))
    return 'monologue';
  if (alternating(pairs.slice(-6))) return 'alternating_pattern';
  const last10 = steps.slice(-10);
  if (last10.length === 10 && last10.every((step) => step.kind === 'condensation'))
    return 'condensation_loop';
  return undefined;
}

function repeated<T>(items: readonly T[], count: number, same: (a: T, b: T) => boolean): boolean {
  const first = items[0];
  return items.length === count && first !== undefined && items.every((item) => same(first, item));
}

type Pair = Extract<Step, { kind: 'pair' }>;

function alternating(pairs: readonly Pair[]): boolean {
  if (pairs.length < 6) return false;
  const key = (pair: Pair | undefined): string => `${pair?.action ?? ''}\u0000${pair?.observation ?? ''}`;
  const [a, b] = [key(pairs[0]), key(pairs[1])];
  return a !== b && pairs.every((pair, index) => key(pair) === (index % 2 === 0 ? a : b));
}

/**
 * Pairs each observation with the call it answers; a call refused before it became an action
 * is keyed by its tool and the error. Agent messages and condensations are steps of their own.
 */
function toSteps(events: readonly Event[]): Step[] {
  const actions = new Map<string, string>();
  const steps: Step[] = [];
  for (const event of events) {
    if (event.type === 'action') actions.set(event.actionId, actionKey(event.action));
    else if (event.type === 'observation') {
      const observation = observationKey(event.observation);
      const action = actions.get(event.actionId) ?? `${event.toolName}:${observation}`;
      steps.push({ kind: 'pair', action, observation, error: event.observation.type === 'tool_error' });
    } else if (event.type === 'message' && event.source === 'agent')
      steps.push({ kind: 'message', text: event.text });
    else if (event.type === 'condensation') steps.push({ kind: 'condensation' });
  }
  return steps;
}

function actionKey(action: Action): string {
  return JSON.stringify(action);
}

/**
 * Equality as OpenHands compares observations: a command's result by command and exit code
 * (its output carries pids and timings), everything else whole.
 */
function observationKey(observation: Observation): string {
  if (observation.type === 'run_command')
    return JSON.stringify([observation.command, observation.status, observation.exitCode]);
  return JSON.stringify(observation);
}
