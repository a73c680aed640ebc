import { BoundedOutput, MAX_OUTPUT_CHARS, stripAnsi } from './output';

/** Stand-ins for "erase to end of line" and "erase line" while the other escapes are stripped. */
const ERASE_TO_END = '\uFDD0';
const ERASE_LINE = '\uFDD1';
const ERASE_PATTERN = new RegExp(String.raw`\u001B\[([02]?)K`, 'g');
// C0 controls but \b \t \n \r, DEL, C1 controls: nothing a reader should see.
const CONTROL_PATTERN = new RegExp(String.raw`[\u0000-\u0007\u000B\u000C\u000E-\u001F\u007F-\u009F]`, 'g');
const LINE_EDITS = /[\r\b\uFDD0\uFDD1]/;
const LINE_EDIT_OR_NEWLINE = /[\r\n\b\uFDD0\uFDD1]/g;
// An escape sequence cut off at the end of a chunk: OSC-like strings without BEL/ST yet, CSI
// without its final byte, or a bare ESC with intermediates.
const INCOMPLETE_ESCAPE = new RegExp(
  String.raw`\u001B(?:[\]PX^_](?:[^\u0007\u009C\u001B\n]|\u001B(?!\\))*|\[[0-?]*[ -/]*|[ -/]*)$`,
);
/** The longest cut-off escape kept for the next chunk; longer ones are treated as text. */
const MAX_CARRY = 4096;
/** A line longer than this is passed on without waiting for its end, so memory stays bounded. */
const MAX_LINE = 16 * 1024;

/**
 * Turns what a terminal program wrote into the text a reader of the screen would see, as it
 * arrives: escape sequences stripped (also when split across chunks), `\r\n` made `\n`, a lone
 * `\r` or `\b` moving the cursor so progress bars collapse to their last state, other control
 * characters dropped. Keeps at most a bounded window (see `BoundedOutput`).
 */
export class TerminalText {
  readonly #window: BoundedOutput;
  #carry = '';
  #line = '';
  #cursor = 0;

  constructor(keep: number = MAX_OUTPUT_CHARS) {
    this.#window = new BoundedOutput(keep);
  }

  /** Takes the next chunk of raw terminal output. */
  write(raw: string): void {
    let text = this.#carry + raw;
    this.#carry = '';
    const cut = incompleteEscapeStart(text);
    if (cut >= 0) {
      this.#carry = text.slice(cut);
      text = text.slice(0, cut);
    }
    text = text.replace(ERASE_PATTERN, (_, mode: string) => (mode === '2' ? ERASE_LINE : ERASE_TO_END));
    this.#feed(stripAnsi(text).replace(CONTROL_PATTERN, '').replace(/\r+\n/g, '\n'));
  }

  /** True when nothing was written since the last `take`. */
  get isEmpty(): boolean {
    return this.#window.isEmpty && this.#line.length === 0;
  }

  /** Everything since the last `take`, at most `limit` characters, then starts afresh. */
  take(limit: number = MAX_OUTPUT_CHARS): string {
    this.#window.append(this.#line);
    const text = this.#window.render(limit);
    this.#window.clear();
    this.#line = '';
    this.#cursor = 0;
    return text;
  }

  #feed(text: string): void {
    if (!LINE_EDITS.test(text)) {
      this.#feedPlain(text);
      return;
    }
    let start = 0;
    for (const match of text.matchAll(LINE_EDIT_OR_NEWLINE)) {
      this.#put(text.slice(start, match.index));
      this.#edit(match[0]);
      start = match.index + 1;
    }
    this.#put(text.slice(start));
  }

  /** Fast path for text without cursor moves: whole lines go straight to the window. */
  #feedPlain(text: string): void {
    const first = text.indexOf('\n');
    if (first < 0) {
      this.#put(text);
      return;
    }
    const last = text.lastIndexOf('\n');
    this.#put(text.slice(0, first));
    this.#edit('\n');
    if (last > first) this.#window.append(text.slice(first + 1, last + 1));
    this.#put(text.slice(last + 1));
  }

  /** Writes `text` over the current line at the cursor, as a terminal does. */
  #put(text: string): void {
    if (text.length === 0) return;
    if (this.#cursor === this.#line.length) this.#line += text;
    else this.#line = this.#line.slice(0, this.#cursor) + text + this.#line.slice(this.#cursor + text.length);
    this.#cursor += text.length;
    if (this.#line.length > MAX_LINE && this.#cursor === this.#line.length) {
      this.#window.append(this.#line);
      this.#line = '';
      this.#cursor = 0;
    }
  }

  #edit(control: string): void {
    switch (control) {
      case '\n':
        this.#window.append(`${this.#line}\n`);
        this.#line = '';
        this.#cursor = 0;
        return;
      case '\r':
        this.#cursor = 0;
        return;
      case '\b':
        this.#cursor = Math.max(0, this.#cursor - 1);
        return;
      case ERASE_TO_END:
        this.#line = this.#line.slice(0, this.#cursor);
        return;
      default:
        this.#line = '';
        this.#cursor = 0;
    }
  }
}

function incompleteEscapeStart(text: string): number {
  const from = Math.max(0, text.length - MAX_CARRY);
  const escape = text.lastIndexOf('\u001B');
  if (escape < from) return -1;
  const match = INCOMPLETE_ESCAPE.exec(text.slice(from));
  return match === null ? -1 : from + match.index;
}
