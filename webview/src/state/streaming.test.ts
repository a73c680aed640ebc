import { describe, expect, it } from 'vitest';
import { applyStreamDelta } from './streaming';
import type { StreamDelta, StreamingResponse } from './streaming';

const fold = (deltas: StreamDelta[]): StreamingResponse | undefined =>
  deltas.reduce<StreamingResponse | undefined>(applyStreamDelta, undefined);

describe('applyStreamDelta', () => {
  it('adds text and reasoning deltas of one response separately, in order', () => {
    expect(
      fold([
        { responseId: 'r1', kind: 'reasoning', delta: 'The test ' },
        { responseId: 'r1', kind: 'text', delta: 'Let me ' },
        { responseId: 'r1', kind: 'reasoning', delta: 'fails.' },
        { responseId: 'r1', kind: 'text', delta: 'run it.' },
      ]),
    ).toEqual({ responseId: 'r1', text: 'Let me run it.', reasoning: 'The test fails.' });
  });

  it('starts over when another response begins', () => {
    expect(
      fold([
        { responseId: 'r1', kind: 'text', delta: 'abandoned' },
        { responseId: 'r2', kind: 'text', delta: 'fresh' },
      ]),
    ).toEqual({ responseId: 'r2', text: 'fresh', reasoning: '' });
  });
});
