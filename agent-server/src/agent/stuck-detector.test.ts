import { describe, expect, it } from 'vitest';
import { InMemoryEvents } from '../testing/agent-harness';
import { detectStuck } from './stuck-detector';

describe('detectStuck', () => {
  it('finds a condensation loop: 10 condensations in a row', async () => {
    const events = new InMemoryEvents();
    await events.append({ type: 'message', source: 'user', text: 'go' });
    for (let index = 0; index < 9; index += 1) {
      await events.append({
        type: 'condensation',
        source: 'agent',
        fromSeq: 1,
        toSeq: 1,
        summary: 's',
        reason: 'context_limit',
      });
    }
    expect(detectStuck(events.all())).toBeUndefined();
    await events.append({
      type: 'condensation',
      source: 'agent',
      fromSeq: 1,
      toSeq: 1,
      summary: 's',
      reason: 'context_limit',
    });
    expect(detectStuck(events.all())).toMatchObject({ rule: 'condensation_loop' });
  });

  it('looks only after the last user message', async () => {
    const events = new InMemoryEvents();
    for (let index = 0; index < 3; index += 1)
      await events.append({ type: 'message', source: 'agent', text: 'same' });
    expect(detectStuck(events.all())).toMatchObject({ rule: 'monologue' });
    await events.append({ type: 'message', source: 'user', text: 'hello' });
    expect(detectStuck(events.all())).toBeUndefined();
  });
});
