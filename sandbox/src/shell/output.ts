/**
 * @module Shaping command output for the model: ANSI stripped, middle cut past a limit, with
 * OpenHands' wording for the cut (`CmdOutputObservation._maybe_truncate`).
 */

/** The most characters of output an observation carries (OpenHands `MAX_CMD_OUTPUT_SIZE`). */
export const MAX_OUTPUT_CHARS = 30_000;

/** Put where the middle of a long output was cut, word for word as OpenHands puts it. */
export const TRUNCATION_MARKER = '\n[... Observation truncated due to length ...]\n';

// OSC/DCS/SOS/PM/APC strings (ended by BEL or ST, never spanning a line: an unterminated one
// in binary garbage must not swallow the lines after it), CSI sequences (7- and 8-bit), then
// any other escape (nF/Fp/Fe/Fs: ESC, intermediates, one final byte).
const ANSI_SOURCES = [
  String.raw`\u001B[\]PX^_][^\n]*?(?:\u0007|\u001B\\|\u009C)`,
  String.raw`(?:\u001B\[|\u009B)[0-?]*[ -/]*[@-~]`,
  String.raw`\u001B[ -/]*[0-~]`,
];
const ANSI_PATTERN = new RegExp(ANSI_SOURCES.join('|'), 'g');

/** Removes ANSI escape sequences (colours, cursor moves, titles). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Keeps `text` whole if it fits in `limit` characters, else its start and end around the marker. */
export function truncateMiddle(text: string, limit: number = MAX_OUTPUT_CHARS): string {
  return text.length <= limit ? text : joinAroundMarker(text, text, limit);
}

/**
 * The first part of `head` and the last part of `tail` around the marker, `limit` characters in
 * all. Never splits a surrogate pair.
 */
export function joinAroundMarker(head: string, tail: string, limit: number = MAX_OUTPUT_CHARS): string {
  const room = Math.max(0, limit - TRUNCATION_MARKER.length);
  const headLength = Math.ceil(room / 2);
  const tailLength = room - headLength;
  let start = head.slice(0, headLength);
  let end = tailLength === 0 ? '' : tail.slice(-tailLength);
  if (isHighSurrogate(start.charCodeAt(start.length - 1))) start = start.slice(0, -1);
  if (isLowSurrogate(end.charCodeAt(0))) end = end.slice(1);
  return `${start}${TRUNCATION_MARKER}${end}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Collects text in bounded memory: the first `keep` characters, then a rolling window of the
 * last ones. Whatever was dropped in between is shown as the truncation marker, so a command
 * that prints gigabytes costs a few hundred kilobytes.
 */
export class BoundedOutput {
  #head = '';
  #tail = '';
  #droppedMiddle = false;
  readonly #keep: number;

  /** `keep` must be at least the largest `limit` that `render` will be asked for. */
  constructor(keep: number = MAX_OUTPUT_CHARS) {
    this.#keep = keep;
  }

  /** Appends text in arrival order. */
  append(text: string): void {
    const headRoom = this.#keep - this.#head.length;
    if (headRoom > 0) {
      this.#head += text.slice(0, headRoom);
      text = text.slice(headRoom);
    }
    if (text.length === 0) return;
    this.#tail += text;
    if (this.#tail.length > 2 * this.#keep) {
      this.#tail = this.#tail.slice(-this.#keep);
      this.#droppedMiddle = true;
    }
  }

  /** True while nothing was appended since construction or the last `clear`. */
  get isEmpty(): boolean {
    return this.#head.length === 0;
  }

  /** The text, at most `limit` characters: whole if it fits, else both ends around the marker. */
  render(limit: number = MAX_OUTPUT_CHARS): string {
    if (this.#droppedMiddle) return joinAroundMarker(this.#head, this.#tail, limit);
    return truncateMiddle(this.#head + this.#tail, limit);
  }

  /** Forgets everything. */
  clear(): void {
    this.#head = '';
    this.#tail = '';
    this.#droppedMiddle = false;
  }
}
