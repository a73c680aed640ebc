import type {
  AgentState,
  ConfirmationPolicy,
  ErrorCode,
  Event,
  EventDraft,
  LlmConfig,
  StreamDeltaFrame,
} from '@handoff/protocol';
import type { LlmClient, LlmToolDefinition } from '../llm/llm-client';
import type { Logger } from '../logger';
import type { SandboxClient } from '../sandbox/sandbox-client';
import type { MaskedValues } from './secret-masker';

/** The event log as the agent loop uses it: read everything, append one event. */
export interface ConversationEvents {
  /** Every event so far, by `seq`. */
  all(): readonly Event[];
  /** Appends an event; resolves once it is stored and published. */
  append(draft: EventDraft): Promise<Event>;
}

/** What the loop needs to know about the model. */
export type AgentLlmInfo = Pick<
  LlmConfig,
  'model' | 'contextWindow' | 'nativeToolCalling' | 'maxOutputTokens'
>;

/** Everything one run of the agent needs. */
export interface AgentRunContext {
  events: ConversationEvents;
  llm: LlmClient;
  sandbox: SandboxClient;
  /** The base system prompt; the loop adds the repository instructions (and, without native tool calling, the tools). */
  systemPrompt: string;
  /** The tools offered to the model. */
  tools: readonly LlmToolDefinition[];
  /** LLM calls this run may make before it stops with an error. */
  maxIterations: number;
  /** Aborts the LLM call and the sandbox call in flight (the user interrupted). */
  signal: AbortSignal;
  logger: Logger;
  /** Absolute path of the workspace folder, where `AGENTS.md` and `.openhands/microagents/` are read. */
  workspace: string;
  /** The model: its name (for usage events), context window and tool-calling mode. */
  llmConfig: AgentLlmInfo;
  /** Secret values by name: exported into the shell, masked in every event and prompt. */
  secrets: Readonly<Record<string, string>>;
  /** Server-wide values masked like secrets but never exported (tokens given to `/api/git`). */
  maskedValues?: MaskedValues;
  /** The confirmation policy, read live before each action. */
  getConfirmationPolicy(): ConfirmationPolicy;
  /** Dollars the conversation may spend on the LLM; no limit when absent. */
  maxBudgetUsd?: number;
  /** Receives the model's text and reasoning while it streams (secrets masked). */
  onStreamDelta?: (frame: StreamDeltaFrame) => void;
}

/** How a run ended. */
export interface AgentRunResult {
  /** The state the run left the conversation in. */
  finalState: AgentState;
  /**
   * User messages with a greater `seq` were not seen by this run: the caller starts another
   * run for them instead of leaving them unanswered.
   */
  resumeAfterSeq: number;
}

/** Runs the agent until it waits for the user, finishes, is interrupted or fails. Never rejects for those. */
export type AgentRunner = (context: AgentRunContext) => Promise<AgentRunResult>;

/** An event draft of one type, and the stored event it becomes. */
export type Stored<D extends EventDraft> = D & { id: string; seq: number; timestamp: string };

/** Appends a draft and keeps its precise type. */
export async function emit<D extends EventDraft>(events: ConversationEvents, draft: D): Promise<Stored<D>> {
  // The log adds exactly id, seq and timestamp to the draft it was given.
  return (await events.append(draft)) as unknown as Stored<D>;
}

/** Appends an `agent_state_changed` event. */
export function emitState(events: ConversationEvents, state: AgentState, reason?: string): Promise<Event> {
  return events.append({
    type: 'agent_state_changed',
    source: 'environment',
    state,
    ...(reason === undefined ? {} : { reason }),
  });
}

/**
 * Ends a run on purpose (budget spent, stuck, context window exceeded): recorded as an error
 * event with `code`, then the state `state`.
 */
export class AgentStop extends Error {
  override readonly name = 'AgentStop';
  readonly code: ErrorCode;
  readonly state: 'error' | 'stuck';

  constructor(code: ErrorCode, message: string, state: 'error' | 'stuck' = 'error') {
    super(message);
    this.code = code;
    this.state = state;
  }
}
