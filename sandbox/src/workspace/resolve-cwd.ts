import { realpath, stat } from 'node:fs/promises';
import { SandboxError } from '../errors';
import { resolveInWorkspace } from './confine';

/**
 * Resolves an action's `cwd` to a real directory inside the workspace (see
 * `resolveInWorkspace`); the workspace root when none is given.
 */
export async function resolveCwd(workspace: string, requested: string | undefined): Promise<string> {
  const root = await realpath(workspace);
  if (requested === undefined) return root;
  const real = await resolveInWorkspace(root, requested, { label: 'The cwd' });
  if (!(await stat(real)).isDirectory()) {
    throw new SandboxError('invalid_request', `The cwd "${requested}" is not a directory.`);
  }
  return real;
}
