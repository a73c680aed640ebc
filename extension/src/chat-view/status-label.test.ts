import { describe, expect, it } from 'vitest';
import { statusLabel } from './status-label';

describe('statusLabel', () => {
  it('lets the connection speak until it is connected, then the agent state', () => {
    expect(statusLabel({ status: 'reconnecting' }, 'running')).toEqual({
      icon: '$(debug-disconnect)',
      text: 'reconnecting',
    });
    expect(statusLabel({ status: 'starting_sandbox' }, undefined).text).toBe('starting sandbox');
    expect(statusLabel({ status: 'connected' }, 'running')).toEqual({ icon: '$(loading~spin)', text: 'running' });
    expect(statusLabel({ status: 'connected' }, 'finished')).toEqual({ icon: '$(check)', text: 'finished' });
    expect(statusLabel({ status: 'connected' }, 'awaiting_user_input').text).toBe('awaiting user input');
    expect(statusLabel({ status: 'idle' }, undefined).text).toBe('ready');
  });
});
