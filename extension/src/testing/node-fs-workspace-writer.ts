/**
 * @module A `WorkspaceWriter` on plain Node fs, for the mirror's tests and the bench (in VS Code
 * the `WorkspaceEdit` writer does this job). Writes go to a temp file then rename, so a reader
 * never sees half a file; nothing is written through a symlink that leads out of the root.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
    await this.resolve(relative);
    await mkdir(path.dirname(path.join(this.root, ...relative.split('/'))), { recursive: true });
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

  /**
   * The absolute path with its folders' symlinks resolved, checked to stay inside the root
   * (through the nearest folder that exists, so that missing ones are never created outside).
   */
  private async resolve(relative: string): Promise<string> {
    const root = await realpath(this.root);
    const target = path.join(root, ...relative.split('/'));
    let existing = path.dirname(target);
    let missing = '';
    for (;;) {
      try {
        existing = await realpath(existing);
        break;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        missing = path.join(path.basename(existing), missing);
        existing = path.dirname(existing);
      }
    }
    if (existing !== root && !existing.startsWith(root + path.sep))
      throw new Error(`Refusing to touch ${relative}: it leads outside the workspace.`);
    return path.join(existing, missing, path.basename(target));
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
