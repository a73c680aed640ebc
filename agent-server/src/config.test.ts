import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const valid = {
  HANDOFF_SESSION_API_KEY: 'k'.repeat(32),
  HANDOFF_WORKSPACE: '/tmp/ws',
  HANDOFF_ACTION_SERVER_URL: 'http://127.0.0.1:4000/',
  HANDOFF_STATE_DIR: '/tmp/state',
};

describe('parseConfig', () => {
  it('reads the variables with defaults for host and port', () => {
    const result = parseConfig(valid);
    expect(result).toEqual({
      ok: true,
      config: {
        sessionApiKey: 'k'.repeat(32),
        host: '127.0.0.1',
        port: 0,
        workspace: '/tmp/ws',
        actionServerUrl: 'http://127.0.0.1:4000',
        actionServerApiKey: 'k'.repeat(32),
        stateDir: '/tmp/state',
        logJson: false,
      },
    });
    const json = parseConfig({ ...valid, LOG_JSON: '1' });
    expect(json.ok && json.config.logJson).toBe(true);
    expect(parseConfig({ ...valid, LOG_JSON: 'yes' }).ok).toBe(false);
  });

  it('names every bad variable and never echoes the key', () => {
    const result = parseConfig({
      ...valid,
      HANDOFF_SESSION_API_KEY: 'short-secret',
      HANDOFF_PORT: '99999',
      HANDOFF_ACTION_SERVER_URL: 'nope',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('HANDOFF_SESSION_API_KEY');
    expect(result.message).toContain('HANDOFF_PORT');
    expect(result.message).toContain('HANDOFF_ACTION_SERVER_URL');
    expect(result.message).not.toContain('short-secret');
  });

  it('takes the action server its own key, and checks it like the session key without echoing it', () => {
    const own = parseConfig({ ...valid, HANDOFF_ACTION_SERVER_API_KEY: 'a'.repeat(32) });
    expect(own.ok && own.config.actionServerApiKey).toBe('a'.repeat(32));
    expect(own.ok && own.config.sessionApiKey).toBe('k'.repeat(32));
    const short = parseConfig({ ...valid, HANDOFF_ACTION_SERVER_API_KEY: 'short-action' });
    expect(short.ok).toBe(false);
    if (short.ok) return;
    expect(short.message).toContain('HANDOFF_ACTION_SERVER_API_KEY');
    expect(short.message).not.toContain('short-action');
  });

  it('requires the workspace and the state folder', () => {
    const result = parseConfig({
      HANDOFF_SESSION_API_KEY: valid.HANDOFF_SESSION_API_KEY,
      HANDOFF_ACTION_SERVER_URL: valid.HANDOFF_ACTION_SERVER_URL,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/HANDOFF_WORKSPACE.*HANDOFF_STATE_DIR/);
  });
});
