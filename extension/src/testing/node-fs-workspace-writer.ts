/**
 * @module A `WorkspaceWriter` on plain Node fs, for the mirror's tests and the bench (in VS Code
 * the `WorkspaceEdit` writer does this job). Writes go to a temp file then rename, so a reader
 * never sees half a file; nothing is written through a symlink that leads out of the root.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { confinedPath, isNotFound } from '../mirror/confine';
import type { WorkspaceWriter, WriteOptions } from '../mirror/workspace-writer';

/** Writes under `root`. */
export class NodeFsWorkspaceWriter implements WorkspaceWriter {
  constructor(private readonly root: string) {}

  async read(relative: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(await this.resolve(relative)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async write(relative: string, content: Uint8Array, options: WriteOptions): Promise<void> {
    await mkdir(path.dirname(await this.resolve(relative)), { recursive: true });
    const resolved = await this.resolve(relative);
    const temp = `${resolved}.handoff-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, content, { mode: options.executable ? 0o755 : 0o644 });
      await chmod(temp, options.executable ? 0o755 : 0o644);
      await rename(temp, resolved);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async delete(relative: string): Promise<void> {
    await rm(await this.resolve(relative), { force: true });
  }

  private resolve(relative: string): Promise<string> {
    return confinedPath(this.root, relative);
  }
}
