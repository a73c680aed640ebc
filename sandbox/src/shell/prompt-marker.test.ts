import { describe, expect, it } from 'vitest';
import { MarkerScanner, commandFileContent, shellQuote } from './prompt-marker';
import type { ScanEvent } from './prompt-marker';

const NONCE = '0123abcd';
const marker = (code: number, cwd: string): string => `\u001b]6973;${NONCE};${code};${cwd}\u0007`;

/** Text and markers in order, adjacent text joined. */
function scan(chunks: string[]): (string | { exitCode: number; cwd: string })[] {
  const scanner = new MarkerScanner(NONCE);
  const out: (string | { exitCode: number; cwd: string })[] = [];
  const events: ScanEvent[] = chunks.flatMap((chunk) => scanner.feed(chunk));
  for (const event of events) {
    const last = out.at(-1);
    if (event.kind === 'marker') out.push(event.marker);
    else if (typeof last === 'string') out[out.length - 1] = last + event.text;
    else out.push(event.text);
  }
  return out;
}

describe('MarkerScanner', () => {
  it('finds markers between text and decodes the directory', () => {
    expect(scan([`out\r\n${marker(0, '/w/a%25b%0Ac')}later`])).toEqual([
      'out\r\n',
      { exitCode: 0, cwd: '/w/a%b\nc' },
      'later',
    ]);
  });

  it('finds a marker split at any point across chunks', () => {
    const stream = `x${marker(130, '/tmp')}y`;
    for (let cut = 0; cut <= stream.length; cut += 1) {
      expect(scan([stream.slice(0, cut), stream.slice(cut)])).toEqual([
        'x',
        { exitCode: 130, cwd: '/tmp' },
        'y',
      ]);
    }
  });

  it('passes other sessions and malformed markers on as text', () => {
    const foreign = '\u001b]6973;ffffffff;0;/tmp\u0007';
    const malformed = `\u001b]6973;${NONCE};zero;/tmp\u0007`;
    expect(scan([foreign, malformed, 'end'])).toEqual([`${foreign}${malformed}end`]);
  });
});

describe('command file and quoting', () => {
  it('puts the directory, the environment update and the command between NULs, dropping NULs from the command', () => {
    expect(commandFileContent('echo a\0b', '/w')).toBe('/w\0\0echo ab');
    expect(commandFileContent('ls', '/w', 'export A=1')).toBe('/w\0export A=1\0ls');
    expect(commandFileContent('ls', undefined)).toBe('\0\0ls');
  });

  it('quotes single quotes for bash', () => {
    expect(shellQuote("it's")).toBe(String.raw`'it'\''s'`);
  });
});
