import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors';

/**
 * Resolves an action's `cwd` to a real directory inside the workspace. Relative paths are taken
 * from the workspace root; absolute paths are allowed only inside it. Symlinks are followed and
 * the target checked again, so a link cannot lead a command out. Anything else is refused with
 * `invalid_request`: the caller asked for something the sandbox will not do.
 */
export async function resolveCwd(workspace: string, requested: string | undefined): Promise<string> {
  const root = await realpath(workspace);
  if (requested === undefined) return root;
  const candidate = path.resolve(root, requested);
  if (!isInside(root, candidate)) throw outsideWorkspace(requested, root);
  const real = await realDirectory(candidate, requested);
  if (!isInside(root, real)) throw outsideWorkspace(requested, root, 'through a symlink');
  return real;
}

/** True when `target` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}

async function realDirectory(candidate: string, requested: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    throw new SandboxError('invalid_request', `The cwd "${requested}" does not exist in the workspace.`, {
      cause: error,
    });
  }
  if (!(await stat(real)).isDirectory()) {
    throw new SandboxError('invalid_request', `The cwd "${requested}" is not a directory.`);
  }
  return real;
}

function outsideWorkspace(requested: string, root: string, how = ''): SandboxError {
  const via = how === '' ? '' : ` ${how}`;
  return new SandboxError(
    'invalid_request',
    `The cwd "${requested}" leads outside the workspace${via}. Commands may only run in ${root} or below it; give a path relative to it.`,
  );
}
