import type { ActionEvent } from '../events/action-event';
import type { AgentStateChangedEvent } from '../events/agent-state-event';
import type { ErrorEvent } from '../events/error-event';
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
