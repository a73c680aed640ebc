import { describe, expect, it } from 'vitest';
import { MaskedValues, SECRET_PLACEHOLDER, SecretMasker, maskStrings } from './secret-masker';

describe('SecretMasker', () => {
  const masker = new SecretMasker({ TOKEN: 'ghp_abcdef123456', SHORT: 'abc' });

  it('masks every occurrence, the longer secret whole first', () => {
    expect(masker.mask('x ghp_abcdef123456 y abc')).toBe(`x ${SECRET_PLACEHOLDER} y ${SECRET_PLACEHOLDER}`);
  });

  it('holds back a possible secret prefix at the end of a piece and masks across the seam', () => {
    const first = masker.maskPiece('s', 'log line\ntoken=ghp_abc', true);
    expect(first).toBe('log line\ntoken=');
    expect(masker.heldBack('s')).toBe('ghp_abc');
    expect(masker.maskPiece('s', 'def123456 rest\n', false)).toBe(`${SECRET_PLACEHOLDER} rest\n`);
    expect(masker.heldBack('s')).toBe('');
  });

  it('gives back held text that turned out not to be a secret', () => {
    expect(masker.maskPiece('t', 'value ghp_', true)).toBe('value ');
    expect(masker.maskPiece('t', 'nothing.', true)).toBe('ghp_nothing.');
  });

  it('never cuts through a whole secret when holding back', () => {
    const overlapping = new SecretMasker({ A: 'xyz', B: 'zab123' });
    expect(overlapping.maskPiece('s', 'see xyz', true)).toBe(`see ${SECRET_PLACEHOLDER}`);
    expect(overlapping.maskPiece('s', 'see z', true)).toBe('see ');
    expect(overlapping.maskPiece('s', 'ab123!', false)).toBe(`${SECRET_PLACEHOLDER}!`);
  });

  it('keeps streams apart and returns everything when the stream ends', () => {
    masker.maskPiece('a', 'ab', true);
    expect(masker.maskPiece('b', 'c', false)).toBe('c');
    expect(masker.maskPiece('a', '', false)).toBe('ab');
  });

  it('masks strings deep inside a value and leaves the rest', () => {
    expect(maskStrings({ a: ['abc', 1, { b: 'xabcx' }], n: null }, masker)).toEqual({
      a: [SECRET_PLACEHOLDER, 1, { b: `x${SECRET_PLACEHOLDER}x` }],
      n: null,
    });
  });

  it('masks the server-wide values too, also ones added after it was made, and longest first', () => {
    const extra = new MaskedValues();
    const withExtra = new SecretMasker({ TOKEN: 'ghp_abcdef123456' }, extra);
    expect(withExtra.mask('ghs_later0123456789')).toBe('ghs_later0123456789');
    extra.add('ghs_later0123456789', 'ab', undefined);
    expect(withExtra.mask('x ghs_later0123456789 ab')).toBe(`x ${SECRET_PLACEHOLDER} ab`);
    extra.add('ghs_later0123456789_and_more');
    expect(withExtra.mask('ghs_later0123456789_and_more')).toBe(SECRET_PLACEHOLDER);
    expect(new SecretMasker({}, new MaskedValues()).active).toBe(false);
  });
});
