import { isUtf8 } from 'node:buffer';

/** How a text file is stored on disk, so an edit can write it back the same way. */
export interface TextFormat {
  /** `latin1` for files that are not valid UTF-8 but do not look binary either. */
  encoding: 'utf8' | 'latin1';
  /** The file starts with a UTF-8 byte-order mark. */
  bom: boolean;
  /** `\r\n` when every line ends with CRLF; the text is then handled with `\n` only. */
  eol: '\n' | '\r\n';
}

/** A file's content as the model sees it, or the verdict that it is binary. */
export type Decoded = { kind: 'text'; text: string; format: TextFormat } | { kind: 'binary' };

/** The format of a file the editor creates. */
export const NEW_FILE_FORMAT: TextFormat = { encoding: 'utf8', bom: false, eol: '\n' };

/** How many leading bytes decide whether a file is binary (git and grep look at 8000). */
const SNIFF_BYTES = 8000;
/** Above this share of control bytes in the sniff, a non-UTF-8 file counts as binary, not Latin-1. */
const MAX_CONTROL_SHARE = 0.1;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Decodes file bytes: binary when the sniff holds a NUL byte, or when the bytes are not UTF-8
 * and many of the sniffed ones are control characters; otherwise UTF-8 (BOM stripped), or
 * Latin-1, which maps every byte to one character and so writes back byte for byte. A file
 * whose every newline is CRLF is handed out with LF and marked so its CRLFs come back.
 */
export function decodeText(bytes: Buffer): Decoded {
  const sniff = bytes.subarray(0, SNIFF_BYTES);
  if (sniff.includes(0)) return { kind: 'binary' };
  const bom = bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM);
  let encoding: TextFormat['encoding'] = 'utf8';
  if (!isUtf8(bytes)) {
    if (controlShare(sniff) > MAX_CONTROL_SHARE) return { kind: 'binary' };
    encoding = 'latin1';
  }
  const raw = bytes.toString(encoding, bom && encoding === 'utf8' ? UTF8_BOM.length : 0);
  const eol = isAllCrlf(raw) ? '\r\n' : '\n';
  const text = eol === '\r\n' ? raw.replaceAll('\r\n', '\n') : raw;
  return { kind: 'text', text, format: { encoding, bom: bom && encoding === 'utf8', eol } };
}

/** Encodes text the model edited back into the file's own format. */
export function encodeText(text: string, format: TextFormat): Buffer {
  const body = Buffer.from(format.eol === '\r\n' ? text.replaceAll('\n', '\r\n') : text, format.encoding);
  return format.bom ? Buffer.concat([UTF8_BOM, body]) : body;
}

/** Brings text from the model into the file's line-ending convention (LF inside the editor). */
export function toEditorNewlines(text: string, format: TextFormat): string {
  return format.eol === '\r\n' ? text.replaceAll('\r\n', '\n') : text;
}

/** The first character of `text` that the format cannot store, if any (only Latin-1 has such). */
export function unencodableCharacter(text: string, format: TextFormat): string | undefined {
  if (format.encoding !== 'latin1') return undefined;
  for (const character of text) {
    if ((character.codePointAt(0) ?? 0) > 0xff) return character;
  }
  return undefined;
}

function isAllCrlf(text: string): boolean {
  let seen = false;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (at === 0 || text.charCodeAt(at - 1) !== 0x0d) return false;
    seen = true;
  }
  return seen;
}

/** Share of bytes that are control characters no text file uses (tab, newlines, form feed, ESC are fine). */
function controlShare(sniff: Buffer): number {
  if (sniff.length === 0) return 0;
  let control = 0;
  for (const byte of sniff) {
    const isText = byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x1b;
    if ((byte < 0x20 && !isText) || byte === 0x7f) control++;
  }
  return control / sniff.length;
}
