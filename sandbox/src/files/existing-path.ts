import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { SandboxError } from '../errors';
import { resolveInWorkspace } from '../workspace/confine';

/** A confined path that exists, with its `lstat`. */
export interface ExistingPath {
  /** Absolute and real (symlinks resolved, so never itself a symlink). */
  abs: string;
  stats: Stats;
}

/**
 * Resolves `requested` inside the workspace (refusals are `invalid_request`) and requires that it
 * exists: a missing path is `path_not_found` (404), so clients can tell it from a refused one.
 */
export async function resolveExisting(workspace: string, requested: string): Promise<ExistingPath> {
  const abs = await resolveInWorkspace(workspace, requested, { mustExist: false });
  try {
    return { abs, stats: await lstat(abs) };
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
      throw new SandboxError('path_not_found', `The path "${requested}" does not exist in the workspace.`, {
        cause: error,
      });
    }
    throw error;
  }
}
