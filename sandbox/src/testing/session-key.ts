import { randomBytes } from 'node:crypto';

/** A fresh random session key, long enough for the config's 16-character minimum. */
export function newSessionKey(): string {
  return randomBytes(24).toString('hex');
}
