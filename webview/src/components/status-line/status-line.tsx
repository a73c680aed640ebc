import type { AgentState, ConnectionStatus } from '@handoff/protocol';

const CONNECTION_LABELS = {
  idle: 'Not started',
  starting_sandbox: 'Starting sandbox…',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  error: 'Connection failed',
} satisfies Record<ConnectionStatus, string>;

const AGENT_LABELS = {
  idle: 'Idle',
  running: 'Working…',
  awaiting_user_input: 'Waiting for you',
  paused: 'Paused',
  awaiting_confirmation: 'Waiting for your confirmation',
  stuck: 'Stopped: it was repeating itself',
  finished: 'Finished',
  error: 'Stopped on an error',
} satisfies Record<AgentState, string>;

const BUSY_CONNECTION: readonly ConnectionStatus[] = ['starting_sandbox', 'connecting', 'reconnecting'];

/** Connection status and agent state, in one line above the composer (the cost is in the header). */
export function StatusLine({
  connection,
  agentState,
}: {
  connection: { status: ConnectionStatus; message?: string | undefined };
  agentState: AgentState;
}) {
  const busy = BUSY_CONNECTION.includes(connection.status) || agentState === 'running';
  return (
    <div className="status-line" role="status">
      {busy && <vscode-progress-ring className="status-spinner" aria-hidden="true" />}
      <span
        className="status-connection"
        data-testid="connection-status"
        data-status={connection.status}
        title={connection.message}
      >
        {CONNECTION_LABELS[connection.status]}
      </span>
      <span className="status-separator" aria-hidden="true">
        ·
      </span>
      <span className="status-agent" data-testid="agent-state" data-state={agentState}>
        Agent: {AGENT_LABELS[agentState]}
      </span>
    </div>
  );
}

/** The label of an agent state, for the event list. */
export function agentStateLabel(state: AgentState): string {
  return AGENT_LABELS[state];
}
