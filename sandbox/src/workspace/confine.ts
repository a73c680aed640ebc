import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors';

/** True when `target` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

/** How `resolveInWorkspace` treats the last component. */
export interface ResolveOptions {
  /** What the path is for, in messages ("The path", "The cwd"). */
  label?: string;
  /** Refuse a path that does not exist (default true). With false, the deepest existing parent is checked. */
  mustExist?: boolean;
}

/**
 * Resolves a requested path to a real absolute path inside the workspace `root` (itself real).
 * Relative paths are taken from the root; absolute ones must lie inside it; `..` may not climb
 * out; symlinks are followed and the target checked again, so a link cannot lead out. For a
 * path that need not exist yet, its deepest existing ancestor is resolved and checked, and the
 * rest appended. Refusals are `invalid_request` errors that say what is allowed.
 */
export async function resolveInWorkspace(
  root: string,
  requested: string,
  options: ResolveOptions = {},
): Promise<string> {
  const label = options.label ?? 'The path';
  if (requested.includes('\0')) throw new SandboxError('invalid_request', `${label} contains a NUL byte.`);
  const candidate = path.resolve(root, requested);
  if (!isInside(root, candidate)) throw outsideWorkspace(label, requested, root);
  const resolved = await realOrAncestor(candidate);
  if (resolved.dangling || !isInside(root, resolved.real)) {
    throw outsideWorkspace(label, requested, root, 'through a symlink');
  }
  if (!resolved.exists && (options.mustExist ?? true)) {
    throw new SandboxError('invalid_request', `${label} "${requested}" does not exist in the workspace.`);
  }
  return resolved.real;
}

interface Resolved {
  /** The real path, or the deepest existing ancestor's real path joined with the missing rest. */
  real: string;
  /** Whether the whole path exists. */
  exists: boolean;
  /** A dangling symlink was met: nothing may be written through it. */
  dangling: boolean;
}

async function realOrAncestor(candidate: string): Promise<Resolved> {
  const missing: string[] = [];
  let current = candidate;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: path.join(real, ...missing.reverse()), exists: missing.length === 0, dangling: false };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (await isSymlink(current)) return { real: current, exists: false, dangling: true };
      const parent = path.dirname(current);
      if (parent === current) return { real: candidate, exists: false, dangling: false };
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

async function isSymlink(target: string): Promise<boolean> {
  try {
    return (await lstat(target)).isSymbolicLink();
  } catch {
    return false;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

function outsideWorkspace(label: string, requested: string, root: string, how = ''): SandboxError {
  const via = how === '' ? '' : ` ${how}`;
  return new SandboxError(
    'invalid_request',
    `${label} "${requested}" leads outside the workspace${via}. Only ${root} and below it are allowed; give a path inside it.`,
  );
}
