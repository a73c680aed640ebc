import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_CHARS, TRUNCATION_MARKER } from './output';
import { TerminalText } from './terminal-text';

function shown(...chunks: string[]): string {
  const text = new TerminalText();
  for (const chunk of chunks) text.write(chunk);
  return text.take();
}

describe('TerminalText', () => {
  it('turns \\r\\n into \\n and keeps tabs', () => {
    expect(shown('a\tb\r\nc\r\r\n')).toBe('a\tb\nc\n');
  });

  it.each([
    ['colours', '\u001b[1;31mred\u001b[0m\r\n', 'red\n'],
    ['OSC titles ended by BEL or ST', '\u001b]0;t\u0007x\u001b]8;;http://a\u001b\\y\r\n', 'xy\n'],
    ['bells, form feeds and other control characters', 'a\u0007b\u000cc\u0000d\u007fe\u0085f\n', 'abcdef\n'],
  ])('removes %s', (_, raw, expected) => {
    expect(shown(raw)).toBe(expected);
  });

  it('never lets an unterminated OSC string from binary garbage swallow the lines after it', () => {
    const whole = new TerminalText();
    whole.write('\u001B]0;junk\u0001\u0002 more junk\nEND\n\u001B]0;title\u0007after\n');
    expect(whole.take()).toBe('0;junk more junk\nEND\nafter\n');
    const split = new TerminalText();
    split.write('\u001B]0;junk');
    split.write(' more\nEND\n');
    expect(split.take()).toBe('0;junk more\nEND\n');
  });

  it('strips an escape sequence split across chunks', () => {
    expect(shown('a\u001b', '[3', '1mb\u001b]0;ti', 'tle\u001b', '\\c\n')).toBe('abc\n');
  });

  it('collapses carriage-return progress to its last state, as a terminal shows it', () => {
    expect(shown('10%\r', '50%\r100%\n')).toBe('100%\n');
    expect(shown('abcdef\rXY\n')).toBe('XYcdef\n');
    expect(shown('long line\r\u001b[Kshort\n')).toBe('short\n');
    expect(shown('old\u001b[2K\rnew\n')).toBe('new\n');
    expect(shown('abc\b\bX\n')).toBe('aXc\n');
  });

  it('returns only what came since the last take, the unfinished line included', () => {
    const text = new TerminalText();
    text.write('first\r\nname? ');
    expect(text.take()).toBe('first\nname? ');
    expect(text.isEmpty).toBe(true);
    text.write('Bob\r\n');
    expect(text.take()).toBe('Bob\n');
  });

  it('caps huge output in bounded memory, keeping both ends', () => {
    const text = new TerminalText();
    const line = `${'y'.repeat(99)}\r\n`;
    const chunk = line.repeat(40);
    const before = process.memoryUsage().heapUsed;
    text.write('START\r\n');
    for (let i = 0; i < 25_000; i += 1) text.write(chunk); // 100 MB of text
    text.write('END\r\n');
    const grown = process.memoryUsage().heapUsed - before;
    const result = text.take();
    expect(result.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(result.startsWith('START\nyyy')).toBe(true);
    expect(result.endsWith('yyy\nEND\n')).toBe(true);
    expect(result).toContain(TRUNCATION_MARKER);
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });

  it('passes one endless line on in pieces instead of holding it', () => {
    const text = new TerminalText();
    for (let i = 0; i < 1000; i += 1) text.write('z'.repeat(10_000));
    const result = text.take(100);
    expect(result).toHaveLength(100);
    expect(result).toContain(TRUNCATION_MARKER);
  });
});
