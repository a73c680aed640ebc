import type { ActionEvent } from '../events/action-event';
import type { AgentStateChangedEvent } from '../events/agent-state-event';
import type { CondensationEvent } from '../events/condensation-event';
import type { ConfirmationEvent } from '../events/confirmation-event';
import type { ErrorEvent } from '../events/error-event';
import { ZERO_LLM_USAGE } from '../events/llm-usage-event';
import type { LlmUsageEvent } from '../events/llm-usage-event';
import type { MessageEvent } from '../events/message-event';
import type { ObservationEvent } from '../events/observation-event';

let counter = 0;
function base(seq?: number): { id: string; seq: number; timestamp: string } {
  counter += 1;
  return {
    id: `evt-${String(counter)}`,
    seq: seq ?? counter,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
  };
}

/** A user message event; override any field. */
export function aMessageEvent(overrides: Partial<MessageEvent> = {}): MessageEvent {
  return { ...base(overrides.seq), source: 'user', type: 'message', text: 'run echo hello', ...overrides };
}

/** An `execute_bash` action event; override any field. */
export function anActionEvent(overrides: Partial<ActionEvent> = {}): ActionEvent {
  return {
    ...base(overrides.seq),
    source: 'agent',
    type: 'action',
    actionId: 'act-1',
    toolName: 'execute_bash',
    toolCallId: 'call-1',
    thought: '',
    action: { type: 'run_command', command: 'echo hello' },
    ...overrides,
  };
}

/** A run-command observation event; override any field. */
export function anObservationEvent(overrides: Partial<ObservationEvent> = {}): ObservationEvent {
  return {
    ...base(overrides.seq),
    source: 'environment',
    type: 'observation',
    actionId: 'act-1',
    toolName: 'execute_bash',
    toolCallId: 'call-1',
    observation: {
      type: 'run_command',
      command: 'echo hello',
      session: 'default',
      status: 'completed',
      exitCode: 0,
      output: 'hello\n',
      timedOut: false,
      cwd: '/workspace',
    },
    ...overrides,
  };
}

/** An agent-state-changed event; override any field. */
export function anAgentStateEvent(overrides: Partial<AgentStateChangedEvent> = {}): AgentStateChangedEvent {
  return {
    ...base(overrides.seq),
    source: 'environment',
    type: 'agent_state_changed',
    state: 'running',
    ...overrides,
  };
}

/** An error event; override any field. */
export function anErrorEvent(overrides: Partial<ErrorEvent> = {}): ErrorEvent {
  return {
    ...base(overrides.seq),
    source: 'environment',
    type: 'error',
    error: { code: 'llm_error', message: 'The model provider failed.' },
    ...overrides,
  };
}

/** An LLM-usage event; override any field. */
export function anLlmUsageEvent(overrides: Partial<LlmUsageEvent> = {}): LlmUsageEvent {
  const call = { ...ZERO_LLM_USAGE, inputTokens: 1200, outputTokens: 80, costUsd: 0.0038, latencyMs: 900 };
  return {
    ...base(overrides.seq),
    source: 'environment',
    type: 'llm_usage',
    model: 'openai/gpt-4o',
    purpose: 'step',
    call,
    total: call,
    ...overrides,
  };
}

/** A condensation event; override any field. */
export function aCondensationEvent(overrides: Partial<CondensationEvent> = {}): CondensationEvent {
  return {
    ...base(overrides.seq),
    source: 'environment',
    type: 'condensation',
    fromSeq: 3,
    toSeq: 40,
    summary: 'The agent explored the repository and found the failing test.',
    reason: 'context_limit',
    ...overrides,
  };
}

/** A confirmation event; override any field. */
export function aConfirmationEvent(overrides: Partial<ConfirmationEvent> = {}): ConfirmationEvent {
  return {
    ...base(overrides.seq),
    source: 'user',
    type: 'confirmation',
    accept: true,
    actionIds: ['act-1'],
    ...overrides,
  };
}
