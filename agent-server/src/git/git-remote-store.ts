import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitAuth } from '@handoff/protocol';
import { GitAuthSchema } from '@handoff/protocol';
import { z } from 'zod';
import { SealedSchema } from '../conversation/secret-box';
import type { SecretBox } from '../conversation/secret-box';

/** The repository the workspace was cloned from, as the agent server remembers it. */
export interface GitRemote {
  /** The clean clone URL: every push goes here, never to what `.git/config` says now. */
  url: string;
  /** The clone's credentials, for a push that brings none. */
  auth?: GitAuth;
}

const RemoteFileSchema = z
  .object({
    url: z.string().min(1),
    /** The clone's `auth`, sealed (see `SecretBox`). */
    auth: SealedSchema.optional(),
  })
  .strict();

/** What the credentials are sealed to, so a sealed blob cannot be moved elsewhere. */
const SEALED_FOR = 'git-remote';

/**
 * Keeps the clone's remote in the agent server's state folder (`git/remote.json`), so a restart
 * still pushes to it; the credentials are sealed with the session key, never kept in the clear.
 */
export class GitRemoteStore {
  readonly #file: string;
  readonly #box: SecretBox;

  constructor(stateDir: string, box: SecretBox) {
    this.#file = path.join(stateDir, 'git', 'remote.json');
    this.#box = box;
  }

  /** The remembered remote; undefined when none was cloned (or the file cannot be read back). */
  async load(): Promise<GitRemote | undefined> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = RemoteFileSchema.safeParse(parseJson(text));
    if (!parsed.success) return undefined;
    const { url, auth } = parsed.data;
    const opened = auth === undefined ? undefined : GitAuthSchema.safeParse(this.#box.open(auth, SEALED_FOR));
    return opened?.success === true ? { url, auth: opened.data } : { url };
  }

  /** Remembers `remote` (atomically: a crash leaves the old file or the new one). */
  async save(remote: GitRemote): Promise<void> {
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const content = {
      url: remote.url,
      ...(remote.auth === undefined ? {} : { auth: this.#box.seal(remote.auth, SEALED_FOR) }),
    };
    const temporary = `${this.#file}.${String(process.pid)}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content)}\n`, { mode: 0o600 });
    await rename(temporary, this.#file);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
