/**
 * @module Follows a solve's conversation until the agent is done: counts its steps and cost,
 * collects the commands it ran and its finish message, nudges it on when it stops to ask for
 * input (nobody is there to answer), and stops it when the solve is cancelled.
 */
import type { AgentState, ConversationId, Event } from '@handoff/protocol';
import type { EventStream } from '../agent/agent-connection';
import type { SolveAgentClient } from './solve-agent-client';

/** How often the agent is told to go on when it stops to ask for input. */
export const MAX_NUDGES = 3;

/** What the agent is told when it waits for input nobody will give. */
export const NUDGE_MESSAGE =
  'Please continue working on the task on your own: nobody will answer questions here. ' +
  'When the issue is fixed and the tests pass, call finish with a short summary for the pull request. ' +
  'If you cannot fix it, call finish and explain why.';

/** A command the agent ran, with how it ended (-1: did not complete). */
export interface RanCommand {
  command: string;
  exitCode: number;
}

/** What the agent did, as far as the solve is concerned. */
export interface AgentWork {
  steps: number;
  costUsd: number;
  /** Time spent waiting for the model, in milliseconds (retries included). */
  modelMs: number;
  commands: RanCommand[];
  /** The finish message, when it finished. */
  summary: string | undefined;
}

/** How the agent's run ended. */
export type AgentEnd =
  | { kind: 'finished' }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

/** Progress while the agent works. */
export type AgentProgress = (work: AgentWork) => void;

/** What {@link watchAgent} needs. */
export interface WatchAgentOptions {
  agent: SolveAgentClient;
  stream: EventStream;
  conversationId: ConversationId;
  signal: AbortSignal | undefined;
  onProgress: AgentProgress;
}

/** Follows the conversation to its end; `work` is filled in as events arrive. */
export function watchAgent(options: WatchAgentOptions): { work: AgentWork; done: Promise<AgentEnd> } {
  const work: AgentWork = { steps: 0, costUsd: 0, modelMs: 0, commands: [], summary: undefined };
  const done = new Promise<AgentEnd>((resolve) => {
    new AgentWatcher(options, work, resolve).start();
  });
  return { work, done };
}

/** Adds up what the agent did from its events: steps, cost, model time, commands, the summary. */
export class WorkTally {
  private readonly commandByAction = new Map<string, string>();

  constructor(readonly work: AgentWork = { steps: 0, costUsd: 0, modelMs: 0, commands: [], summary: undefined }) {}

  /** Counts `event`; true when it changed a figure shown in progress (a step or the cost). */
  add(event: Event): boolean {
    const { work } = this;
    switch (event.type) {
      case 'action': {
        work.steps += 1;
        const { action } = event;
        if (action.type === 'run_command') this.commandByAction.set(event.actionId, action.command);
        if (action.type === 'finish') work.summary = action.message;
        return true;
      }
      case 'observation': {
        const command = this.commandByAction.get(event.actionId);
        if (event.observation.type === 'run_command' && command !== undefined && command.trim() !== '' && event.observation.status !== 'busy')
          work.commands.push({ command, exitCode: event.observation.exitCode });
        return false;
      }
      case 'llm_usage':
        work.costUsd = event.total.costUsd;
        work.modelMs = event.total.latencyMs;
        return true;
      case 'message':
      case 'agent_state_changed':
      case 'error':
      case 'condensation':
      case 'confirmation':
        return false;
    }
  }
}

/** What the agent did, from a finished conversation's events (an earlier solve's, published again). */
export function workFromEvents(events: readonly Event[]): AgentWork {
  const tally = new WorkTally();
  for (const event of events) tally.add(event);
  return tally.work;
}

class AgentWatcher {
  private readonly tally: WorkTally;
  private lastError: string | undefined;
  private lastMessage: string | undefined;
  private nudges = 0;
  private ended = false;

  constructor(
    private readonly options: WatchAgentOptions,
    work: AgentWork,
    private readonly resolve: (end: AgentEnd) => void,
  ) {
    this.tally = new WorkTally(work);
  }

  start(): void {
    const { stream, signal } = this.options;
    if (signal?.aborted === true) {
      this.end({ kind: 'cancelled' });
      return;
    }
    signal?.addEventListener('abort', () => void this.cancel(), { once: true });
    stream.onEvent((event) => {
      this.onEvent(event);
    });
    stream.onStatus(({ status, message }) => {
      if (status === 'error') this.end({ kind: 'failed', message: `Lost the agent: ${message ?? 'the event stream failed'}` });
    });
    stream.connect();
  }

  private onEvent(event: Event): void {
    if (this.tally.add(event)) this.options.onProgress(this.tally.work);
    if (event.type === 'error') this.lastError = event.error.message;
    if (event.type === 'message' && event.source === 'agent') this.lastMessage = event.text;
    if (event.type === 'agent_state_changed') this.onState(event.state, event.reason);
  }

  private onState(state: AgentState, reason: string | undefined): void {
    switch (state) {
      case 'finished':
        this.end({ kind: 'finished' });
        return;
      case 'error':
        this.end({ kind: 'failed', message: `The agent stopped with an error: ${this.lastError ?? reason ?? 'unknown error'}` });
        return;
      case 'stuck':
        this.end({
          kind: 'failed',
          message: `The agent got stuck (it kept repeating itself)${reason ? `: ${reason}` : ''}.`,
        });
        return;
      case 'awaiting_user_input':
        void this.nudge();
        return;
      case 'paused':
        if (this.options.signal?.aborted === true) this.end({ kind: 'cancelled' });
        else this.end({ kind: 'failed', message: 'The agent was paused from elsewhere before it finished.' });
        return;
      case 'awaiting_confirmation':
        void this.options.agent.confirm(this.options.conversationId, { accept: true }).catch(() => undefined);
        return;
      case 'idle':
      case 'running':
        return;
    }
  }

  private async nudge(): Promise<void> {
    if (this.ended) return;
    if (this.nudges >= MAX_NUDGES) {
      const asked = this.lastMessage ? `: "${this.lastMessage.slice(0, 300)}"` : '.';
      this.end({ kind: 'failed', message: `The agent stopped to ask for input ${String(MAX_NUDGES)} times without finishing${asked}` });
      return;
    }
    this.nudges += 1;
    try {
      await this.options.agent.sendMessage(this.options.conversationId, NUDGE_MESSAGE);
    } catch (error) {
      this.end({ kind: 'failed', message: `Could not tell the agent to go on: ${describe(error)}` });
    }
  }

  private async cancel(): Promise<void> {
    if (this.ended) return;
    try {
      await this.options.agent.pause(this.options.conversationId);
    } catch {
      // The agent may already have stopped; the solve is cancelled either way.
    }
    this.end({ kind: 'cancelled' });
  }

  private end(end: AgentEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.resolve(end);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
