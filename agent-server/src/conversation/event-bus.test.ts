import { anAgentStateEvent } from '@handoff/protocol/testing';
import { describe, expect, it } from 'vitest';
import type { StreamEnd } from './event-bus';
import { EventBus, TooManySubscribersError } from './event-bus';

describe('EventBus', () => {
  it('delivers to every subscriber of the conversation only, until it unsubscribes', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const stopA = bus.subscribe('c1', (e) => seen.push(`a${e.seq}`));
    bus.subscribe('c1', (e) => seen.push(`b${e.seq}`));
    bus.subscribe('c2', (e) => seen.push(`other${e.seq}`));
    bus.publish('c1', anAgentStateEvent({ seq: 1 }));
    stopA();
    bus.publish('c1', anAgentStateEvent({ seq: 2 }));
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('keeps delivering when one subscriber throws', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    bus.subscribe('c', () => {
      throw new Error('boom');
    });
    bus.subscribe('c', (e) => seen.push(e.seq));
    bus.publish('c', anAgentStateEvent({ seq: 7 }));
    expect(seen).toEqual([7]);
  });

  it('delivers deltas to live subscribers and ends the conversation for all of them', () => {
    const bus = new EventBus();
    const deltas: string[] = [];
    const ends: StreamEnd[] = [];
    bus.subscribe('c', {
      event: () => undefined,
      delta: (frame) => deltas.push(frame.delta),
      end: (end) => ends.push(end),
    });
    bus.subscribe('c', () => undefined);
    bus.publishDelta('c', { type: 'stream_delta', responseId: 'r', kind: 'text', delta: 'Hel' });
    bus.publishDelta('other', { type: 'stream_delta', responseId: 'r', kind: 'text', delta: 'x' });
    bus.end('c', { code: 4410, reason: 'deleted' });
    expect(deltas).toEqual(['Hel']);
    expect(ends).toEqual([{ code: 4410, reason: 'deleted' }]);
    expect(bus.subscriberCount('c')).toBe(0);
  });

  it('caps the subscribers of a conversation', () => {
    const bus = new EventBus({ maxSubscribersPerConversation: 2 });
    bus.subscribe('c', () => undefined);
    const stop = bus.subscribe('c', () => undefined);
    expect(() => bus.subscribe('c', () => undefined)).toThrow(TooManySubscribersError);
    stop();
    expect(() => bus.subscribe('c', () => undefined)).not.toThrow();
    expect(bus.subscriberCount('c')).toBe(2);
  });
});
