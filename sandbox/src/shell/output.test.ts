import { describe, expect, it } from 'vitest';
import { BoundedOutput, TRUNCATION_MARKER, stripAnsi, truncateMiddle } from './output';

describe('stripAnsi', () => {
  it.each([
    ['colours', '\u001b[1;31mred\u001b[0m', 'red'],
    ['cursor moves and erases', 'a\u001b[2K\u001b[1Gb\u001b[?25l', 'ab'],
    ['OSC titles ended by BEL or ST', '\u001b]0;t\u0007x\u001b]8;;http://a\u001b\\y', 'xy'],
    ['charset and keypad escapes', '\u001b(Bz\u001b=\u001b>', 'z'],
    ['8-bit CSI', '\u009b31mq', 'q'],
  ])('removes %s', (_, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });

  it('leaves plain text, tabs, newlines and carriage returns alone', () => {
    expect(stripAnsi('a\tb\r\nc [not ansi]')).toBe('a\tb\r\nc [not ansi]');
  });
});

describe('truncateMiddle', () => {
  it('keeps text that fits', () => {
    expect(truncateMiddle('short', 10)).toBe('short');
  });

  it('keeps both ends around the marker, within the limit', () => {
    const text = `${'a'.repeat(100)}${'b'.repeat(100)}`;
    const cut = truncateMiddle(text, 100);
    expect(cut).toHaveLength(100);
    expect(cut.startsWith('a')).toBe(true);
    expect(cut.endsWith('b')).toBe(true);
    expect(cut).toContain(TRUNCATION_MARKER);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncateMiddle('🎉'.repeat(100), TRUNCATION_MARKER.length + 11);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

describe('BoundedOutput', () => {
  it('renders short text whole', () => {
    const output = new BoundedOutput(16);
    output.append('ok');
    output.append('\n');
    expect(output.render()).toBe('ok\n');
    expect(output.isEmpty).toBe(false);
  });

  it('drops the middle of long text but keeps its ends', () => {
    const output = new BoundedOutput(16);
    output.append('HEAD');
    for (let i = 0; i < 100; i += 1) output.append('.'.repeat(10));
    output.append('TAIL');
    const rendered = output.render(TRUNCATION_MARKER.length + 8);
    expect(rendered).toBe(`HEAD${TRUNCATION_MARKER}TAIL`);
  });

  it('starts afresh after clear', () => {
    const output = new BoundedOutput(4);
    output.append('x'.repeat(100));
    output.clear();
    expect(output.isEmpty).toBe(true);
    output.append('new');
    expect(output.render()).toBe('new');
  });
});
