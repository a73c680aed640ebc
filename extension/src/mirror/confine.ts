/**
 * @module Keeps the mirror's writes inside the workspace folder even through symlinks: a
 * workspace-relative path is resolved through its nearest existing folder and checked.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The absolute path of `relative` under `root`, with existing folders' symlinks resolved.
 * Throws when it would lead outside `root`; missing folders are never resolved outside.
 */
export async function confinedPath(root: string, relative: string): Promise<string> {
  const realRoot = await realpath(root);
  const target = path.join(realRoot, ...relative.split('/'));
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
  if (existing !== realRoot && !existing.startsWith(realRoot + path.sep))
    throw new Error(`Refusing to touch ${relative}: it leads outside the workspace.`);
  return path.join(existing, missing, path.basename(target));
}

/** Whether a Node fs error means "no such file". */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
