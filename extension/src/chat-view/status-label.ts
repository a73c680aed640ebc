/** @module The status bar's words for a conversation's state; free of `vscode` so it is testable. */
import type { ConnectionStatus } from '@handoff/protocol';
import type { ConnectionStatusChange } from '../agent/agent-connection';

/** What the item shows: a codicon and a word. */
export interface StatusLabel {
  icon: string;
  text: string;
}

const CONNECTION_LABELS: Record<ConnectionStatus, StatusLabel | undefined> = {
  idle: { icon: '$(comment-discussion)', text: 'ready' },
  starting_sandbox: { icon: '$(loading~spin)', text: 'starting sandbox' },
  connecting: { icon: '$(loading~spin)', text: 'connecting' },
  connected: undefined,
  reconnecting: { icon: '$(debug-disconnect)', text: 'reconnecting' },
  disconnected: { icon: '$(debug-disconnect)', text: 'disconnected' },
  error: { icon: '$(error)', text: 'error' },
};

const AGENT_ICONS: Record<string, string> = {
  running: '$(loading~spin)',
  finished: '$(check)',
  error: '$(error)',
  paused: '$(debug-pause)',
  awaiting_confirmation: '$(question)',
  awaiting_user_input: '$(comment)',
  stuck: '$(warning)',
};

/**
 * The label for a connection status and the agent's state: the connection speaks while it is
 * not connected; once connected, the agent's state does.
 */
export function statusLabel(connection: ConnectionStatusChange, agentState: string | undefined): StatusLabel {
  const label = CONNECTION_LABELS[connection.status];
  if (label) return label;
  const state = agentState ?? 'idle';
  return { icon: AGENT_ICONS[state] ?? '$(comment-discussion)', text: state.replaceAll('_', ' ') };
}
