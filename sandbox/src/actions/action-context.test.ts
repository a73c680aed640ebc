import { describe, expect, it } from 'vitest';
import { commandEnv } from './action-context';

describe('commandEnv', () => {
  it('drops every HANDOFF_* variable and keeps the rest', () => {
    expect(
      commandEnv({
        PATH: '/bin',
        HANDOFF_SESSION_API_KEY: 'secret',
        HANDOFF_PORT: '1',
        handoff_lower: 'x',
        HOME: '/h',
      }),
    ).toEqual({ PATH: '/bin', HOME: '/h' });
  });
});
