import { describe, expect, it } from 'vitest';
import { EchoFilter } from './echo-filter';

describe('EchoFilter', () => {
  it('removes the echo once, also when split, and leaves the rest', () => {
    const filter = new EchoFilter();
    filter.arm('cmd\r\n');
    expect(filter.feed('before c') + filter.feed('m') + filter.feed('d\r\nout cmd\r\n')).toBe(
      'before out cmd\r\n',
    );
  });

  it('hands back a held partial echo when disarmed', () => {
    const filter = new EchoFilter();
    filter.arm('cmd\r\n');
    expect(filter.feed('text cm')).toBe('text ');
    expect(filter.disarm()).toBe('cm');
    expect(filter.feed('cmd\r\n')).toBe('cmd\r\n');
  });
});
