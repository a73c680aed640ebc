import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** A sealed value as it is kept on disk: AES-256-GCM, key from HKDF-SHA256 with a fresh salt. */
export const SealedSchema = z
  .object({
    /** Format version. */
    v: z.literal(1),
    /** HKDF salt, base64. */
    salt: z.base64(),
    /** GCM nonce, base64. */
    iv: z.base64(),
    /** GCM authentication tag, base64. */
    tag: z.base64(),
    /** Ciphertext, base64. */
    data: z.base64(),
  })
  .strict();
/** A sealed value. */
export type Sealed = z.infer<typeof SealedSchema>;

const HKDF_INFO = 'handoff/agent-server/conversation-secrets/v1';

/**
 * Encrypts what must survive a restart but never be readable on disk (the LLM key, the
 * conversation's secrets). The key is derived from the sandbox's session key, so the same key
 * after a restart opens what was sealed, and any other key cannot. Each value is bound to its
 * conversation id (GCM additional data), so a sealed blob cannot be moved to another one.
 */
export class SecretBox {
  readonly #masterKey: Buffer;

  constructor(sessionApiKey: string) {
    this.#masterKey = Buffer.from(sessionApiKey, 'utf8');
  }

  /** Encrypts `value` (JSON) for conversation `boundTo`. */
  seal(value: unknown, boundTo: string): Sealed {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key(salt), iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      v: 1,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  /** Decrypts a sealed value; `undefined` when it was sealed with another key or tampered with. */
  open(sealed: Sealed, boundTo: string): unknown {
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.#key(Buffer.from(sealed.salt, 'base64')),
        Buffer.from(sealed.iv, 'base64'),
      );
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  #key(salt: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#masterKey, salt, HKDF_INFO, 32));
  }
}
