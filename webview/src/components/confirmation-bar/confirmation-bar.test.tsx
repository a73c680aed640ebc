import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ConfirmationBar, rejectionRequest } from './confirmation-bar';

describe('ConfirmationBar', () => {
  it('counts the waiting actions', () => {
    const render = (pendingCount: number) =>
      renderToStaticMarkup(<ConfirmationBar pendingCount={pendingCount} onAnswer={() => undefined} />);
    expect(render(3)).toContain('The agent wants to run 3 actions.');
    expect(render(0)).toContain('The agent is waiting for your confirmation.');
  });

  it('sends a rejection with the trimmed reason, or without one when blank', () => {
    expect(rejectionRequest('  not on main ')).toEqual({ accept: false, reason: 'not on main' });
    expect(rejectionRequest('   ')).toEqual({ accept: false });
  });
});
