/**
 * Removes the terminal's echo of one typed line from the stream, once, also when the echo is
 * split across chunks. While armed, a trailing piece that could be the start of the echo is
 * held back until the next chunk says whether it is.
 */
export class EchoFilter {
  #expected: string | undefined;
  #held = '';

  /** Starts looking for `expected`. */
  arm(expected: string): void {
    this.#expected = expected;
    this.#held = '';
  }

  /** `text` without the echo, if the echo is (or completes) in it. */
  feed(text: string): string {
    const expected = this.#expected;
    if (expected === undefined) return text;
    const data = this.#held + text;
    this.#held = '';
    const found = data.indexOf(expected);
    if (found >= 0) {
      this.#expected = undefined;
      return data.slice(0, found) + data.slice(found + expected.length);
    }
    const hold = partialStart(data, expected);
    this.#held = data.slice(hold);
    return data.slice(0, hold);
  }

  /** Stops looking (the command ended) and hands back whatever was held. */
  disarm(): string {
    const held = this.#held;
    this.#expected = undefined;
    this.#held = '';
    return held;
  }
}

/** Where the longest suffix of `data` that is a proper prefix of `expected` starts. */
function partialStart(data: string, expected: string): number {
  const first = expected.charAt(0);
  let candidate = data.indexOf(first, Math.max(0, data.length - expected.length + 1));
  while (candidate >= 0) {
    if (expected.startsWith(data.slice(candidate))) return candidate;
    candidate = data.indexOf(first, candidate + 1);
  }
  return data.length;
}
