import { describe, expect, it } from 'vitest';
import {
  NEW_FILE_FORMAT,
  decodeText,
  encodeText,
  toEditorNewlines,
  unencodableCharacter,
} from './text-codec';

describe('decodeText', () => {
  it('decodes UTF-8 with LF as is', () => {
    expect(decodeText(Buffer.from('héllo\nwörld\n'))).toEqual({
      kind: 'text',
      text: 'héllo\nwörld\n',
      format: NEW_FILE_FORMAT,
    });
  });

  it('hands out an all-CRLF file with LF and remembers CRLF', () => {
    expect(decodeText(Buffer.from('a\r\nb\r\n'))).toEqual({
      kind: 'text',
      text: 'a\nb\n',
      format: { encoding: 'utf8', bom: false, eol: '\r\n' },
    });
  });

  it('keeps a mixed-ending file raw', () => {
    expect(decodeText(Buffer.from('a\r\nb\n'))).toMatchObject({ text: 'a\r\nb\n', format: { eol: '\n' } });
  });

  it('strips and remembers a UTF-8 BOM', () => {
    expect(decodeText(Buffer.from('\ufeffx'))).toMatchObject({ text: 'x', format: { bom: true } });
  });

  it('falls back to Latin-1 for text that is not UTF-8', () => {
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]))).toMatchObject({
      text: 'café\n',
      format: { encoding: 'latin1' },
    });
  });

  it('calls a NUL byte in the first 8000 bytes binary', () => {
    expect(decodeText(Buffer.from([0x61, 0x00, 0x62]))).toEqual({ kind: 'binary' });
  });

  it('calls non-UTF-8 bytes full of control characters binary', () => {
    const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x80 + (i % 100))));
    expect(decodeText(bytes)).toEqual({ kind: 'binary' });
  });
});

describe('encodeText', () => {
  it.each([
    ['utf8 LF', Buffer.from('a\nb\n')],
    ['utf8 CRLF', Buffer.from('a\r\nb\r\n')],
    ['utf8 BOM CRLF', Buffer.from('\ufeffa\r\nb\r\n')],
    ['latin1', Buffer.from('caf\xe9\r\n', 'latin1')],
    ['empty', Buffer.alloc(0)],
  ])('round-trips %s byte for byte', (_name, bytes) => {
    const decoded = decodeText(bytes);
    if (decoded.kind !== 'text') throw new Error('expected text');
    expect(encodeText(decoded.text, decoded.format)).toEqual(bytes);
  });

  it('brings CRLF from the model to LF only in a CRLF file', () => {
    const crlf = { encoding: 'utf8', bom: false, eol: '\r\n' } as const;
    expect(toEditorNewlines('a\r\nb', crlf)).toBe('a\nb');
    expect(toEditorNewlines('a\r\nb', NEW_FILE_FORMAT)).toBe('a\r\nb');
  });

  it('finds characters Latin-1 cannot hold', () => {
    const latin1 = { encoding: 'latin1', bom: false, eol: '\n' } as const;
    expect(unencodableCharacter('café ÿ', latin1)).toBeUndefined();
    expect(unencodableCharacter('5 €', latin1)).toBe('€');
    expect(unencodableCharacter('🙂', latin1)).toBe('🙂');
    expect(unencodableCharacter('€', NEW_FILE_FORMAT)).toBeUndefined();
  });
});
