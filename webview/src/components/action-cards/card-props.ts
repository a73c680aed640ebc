import type { ReactNode } from 'react';
import type { Action, ActionEvent, ObservationEvent } from '@handoff/protocol';

/** The action of one type. */
export type ActionOf<T extends Action['type']> = Extract<Action, { type: T }>;

/** What every action card gets. */
export interface CardProps<T extends Action['type']> {
  event: ActionEvent;
  action: ActionOf<T>;
  /** The paired observation, once it arrived. */
  observation: ObservationEvent | undefined;
  /** True while the agent waits for the user to accept or reject actions without an observation. */
  awaitingConfirmation: boolean;
}

/** Renders the card of one action type. */
export type CardRenderer<T extends Action['type']> = (props: CardProps<T>) => ReactNode;
