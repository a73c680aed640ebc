import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@handoff/protocol';
import type { Action, Event, Observation } from '@handoff/protocol';
import { ACTION_CARDS } from './action-cards/action-card';
import type { CardRenderer } from './action-cards/card-props';
import { OBSERVATION_RENDERERS } from './action-cards/observation-view';
import type { ObservationRenderer } from './action-cards/observation-view';
import { EVENT_RENDERERS } from './event-list/event-list';
import type { EventRenderer } from './event-list/event-list';

/**
 * Every event, action and observation type has a renderer, and that is checked when the code
 * compiles: each map is declared `satisfies { [T in Union['type']]: Renderer<T> }`, so a type
 * added to the protocol is a type error in the webview until it gets one. The
 * `@ts-expect-error` lines below prove it: `tsc -b webview` fails if a map missing a type were
 * accepted. The runtime checks list the same facts for the reader.
 */
type EventRenderers = { [T in Event['type']]: EventRenderer<T> };
type ActionCards = { [T in Action['type']]: CardRenderer<T> };
type ObservationRenderers = { [T in Observation['type']]: ObservationRenderer<T> };

function omit<T extends object, K extends keyof T>(map: T, key: K): Omit<T, K> {
  return Object.fromEntries(Object.entries(map).filter(([name]) => name !== key)) as Omit<T, K>;
}

describe('renderer maps', () => {
  it('reject, at compile time, a map that leaves a type out', () => {
    const withoutMessage = omit(EVENT_RENDERERS, 'message');
    // @ts-expect-error -- `message` has no renderer.
    const events: EventRenderers = withoutMessage;
    const withoutThink = omit(ACTION_CARDS, 'think');
    // @ts-expect-error -- `think` has no card.
    const actions: ActionCards = withoutThink;
    const withoutToolError = omit(OBSERVATION_RENDERERS, 'tool_error');
    // @ts-expect-error -- `tool_error` has no renderer.
    const observations: ObservationRenderers = withoutToolError;
    expect([events, actions, observations].map((map) => Object.keys(map).length)).toEqual([
      EVENT_TYPES.length - 1,
      Object.keys(ACTION_CARDS).length - 1,
      Object.keys(OBSERVATION_RENDERERS).length - 1,
    ]);
  });

  it('have a renderer for every event type the protocol lists', () => {
    expect(Object.keys(EVENT_RENDERERS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('have a card for every action type and a renderer for every observation type', () => {
    expect(Object.keys(ACTION_CARDS).sort()).toEqual(
      ['file_editor', 'finish', 'run_command', 'task_tracker', 'think'].sort(),
    );
    expect(Object.keys(OBSERVATION_RENDERERS).sort()).toEqual(
      ['file_editor', 'run_command', 'task_tracker', 'think', 'tool_error', 'user_rejected'].sort(),
    );
  });
});
