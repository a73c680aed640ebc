/**
 * @module Masks secret values in everything the agent stores or sends to the model, with
 * OpenHands' placeholder (`mask_secrets_in_output`). A shell session's output can arrive in
 * pieces (a command that hit the soft timeout goes on printing into the next call), so a
 * secret may be cut in two: the masker holds back the end of a piece that could be the start
 * of a secret and puts it in front of the session's next piece.
 */

/** What a secret value becomes (OpenHands' wording). */
export const SECRET_PLACEHOLDER = '<secret-hidden>';

/** Shorter values would mask ordinary words; a token that short is no token. */
const MIN_MASKED_LENGTH = 4;

/**
 * Values every conversation masks like its secrets but never exports into a shell: tokens given
 * to the agent server itself (`/api/git/*`). One set per server; a value added later is masked
 * from then on in every conversation, running or not.
 */
export class MaskedValues {
  readonly #values = new Set<string>();
  #version = 0;

  /** Adds values to mask (short or empty ones are ignored). */
  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (value === undefined || value.length < MIN_MASKED_LENGTH || this.#values.has(value)) continue;
      this.#values.add(value);
      this.#version += 1;
    }
  }

  /** Grows with every value added: a masker compares it to know when to take the new ones. */
  get version(): number {
    return this.#version;
  }

  /** The values, in the order they were added. */
  values(): readonly string[] {
    return [...this.#values];
  }
}

/** Replaces every secret value in text; keeps, per stream, a held-back possible secret prefix. */
export class SecretMasker {
  readonly #secrets: readonly string[];
  readonly #extra: MaskedValues | undefined;
  /** Longest first, so a secret that contains another is masked whole. */
  #sorted: readonly string[] = [];
  #extraVersion = -1;
  readonly #held = new Map<string, string>();

  constructor(secrets: Readonly<Record<string, string>>, extra?: MaskedValues) {
    this.#secrets = Object.values(secrets).filter((value) => value !== '');
    this.#extra = extra;
  }

  /** The values to mask now, longest first (the server-wide ones may have grown since last time). */
  get #values(): readonly string[] {
    const version = this.#extra?.version ?? 0;
    if (version !== this.#extraVersion) {
      this.#extraVersion = version;
      this.#sorted = [...new Set([...this.#secrets, ...(this.#extra?.values() ?? [])])].sort(
        (a, b) => b.length - a.length,
      );
    }
    return this.#sorted;
  }

  /** Whether there is anything to mask. */
  get active(): boolean {
    return this.#values.length > 0;
  }

  /** `text` with every secret value replaced by {@link SECRET_PLACEHOLDER}. */
  mask(text: string): string {
    let masked = text;
    for (const value of this.#values) {
      if (masked.includes(value)) masked = masked.split(value).join(SECRET_PLACEHOLDER);
    }
    return masked;
  }

  /**
   * Masks the next piece of a stream (a shell session's output, a streamed response). The text
   * held back from the previous piece goes in front. When the stream `continues`, a trailing
   * part that is the start of a secret is held back for the next piece instead of returned;
   * otherwise everything is returned (a secret cannot complete any more).
   */
  maskPiece(stream: string, text: string, continues: boolean): string {
    const combined = (this.#held.get(stream) ?? '') + text;
    this.#held.delete(stream);
    if (!continues) return this.mask(combined);
    // Cut the unmasked text: masking first could hide a shorter secret inside the start of a
    // longer one that completes in the next piece.
    const keep = this.#partialSecretSuffix(combined);
    if (keep === 0) return this.mask(combined);
    this.#held.set(stream, combined.slice(-keep));
    return this.mask(combined.slice(0, -keep));
  }

  /** The text held back for `stream` (for tests and diagnostics). */
  heldBack(stream: string): string {
    return this.#held.get(stream) ?? '';
  }

  /**
   * Length of the longest end of `text` that is a proper start of some secret and whose cut
   * does not fall inside a whole secret (which would leave part of it in the returned text).
   */
  #partialSecretSuffix(text: string): number {
    const longest = Math.min(text.length, (this.#values[0]?.length ?? 1) - 1);
    for (let length = longest; length > 0; length -= 1) {
      const tail = text.slice(-length);
      if (!this.#values.some((value) => value.length > length && value.startsWith(tail))) continue;
      if (!this.#cutsThroughSecret(text, text.length - length)) return length;
    }
    return 0;
  }

  #cutsThroughSecret(text: string, cut: number): boolean {
    return this.#values.some((value) => {
      for (
        let at = text.indexOf(value, Math.max(0, cut - value.length + 1));
        at !== -1 && at < cut;
        at = text.indexOf(value, at + 1)
      )
        if (at + value.length > cut) return true;
      return false;
    });
  }
}

/** `value` with every string inside it (deeply) masked; other values as they are. */
export function maskStrings<T>(value: T, masker: SecretMasker): T {
  if (!masker.active) return value;
  return maskDeep(value, masker) as T;
}

function maskDeep(value: unknown, masker: SecretMasker): unknown {
  if (typeof value === 'string') return masker.mask(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, masker));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, masker)]));
  }
  return value;
}

const MASKERS = new WeakMap<object, SecretMasker>();

/**
 * The masker of a conversation: one per event log, so text held back at the end of one run is
 * still put in front of the session's next output in the next run.
 */
export function maskerFor(
  owner: object,
  secrets: Readonly<Record<string, string>>,
  extra?: MaskedValues,
): SecretMasker {
  let masker = MASKERS.get(owner);
  if (masker === undefined) {
    masker = new SecretMasker(secrets, extra);
    MASKERS.set(owner, masker);
  }
  return masker;
}
