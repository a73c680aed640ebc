/**
 * @module Where a requested workspace path may lead: the action server's rules
 * (sandbox/src/workspace/confine.ts), mirrored here because parts do not import each other.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { AgentServerError } from '../errors';

/** True when `target` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/**
 * Resolves `requested` to the real absolute path of an existing entry inside the workspace.
 * Relative paths are taken from the root; absolute ones must lie inside it; `..` may not climb
 * out; symlinks are followed and the target checked again, so a link cannot lead out.
 * Throws `invalid_request` (400) for a path that leads out and `path_not_found` (404) for one
 * that does not exist (a dangling link included).
 */
export async function resolveExisting(root: string, requested: string): Promise<string> {
  if (requested.includes('\0'))
    throw new AgentServerError('invalid_request', 'The path contains a NUL byte.');
  const realRoot = await realpath(root);
  const candidate = path.resolve(realRoot, requested);
  if (!isInside(realRoot, candidate)) throw outside(requested, realRoot);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    if (isNotFound(error)) throw notFound(requested);
    throw error;
  }
  if (!isInside(realRoot, real)) throw outside(requested, realRoot, ' through a symlink');
  return real;
}

/** The 404 for a workspace path that does not exist. */
export function notFound(requested: string): AgentServerError {
  return new AgentServerError('path_not_found', `"${requested}" does not exist in the workspace.`);
}

function outside(requested: string, root: string, how = ''): AgentServerError {
  return new AgentServerError(
    'invalid_request',
    `The path "${requested}" leads outside the workspace${how}. Only ${root} and below it are allowed; give a path inside it.`,
  );
}

/** ENOENT or ENOTDIR: nothing at that path. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
