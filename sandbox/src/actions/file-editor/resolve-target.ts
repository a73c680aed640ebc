import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../../errors';
import { resolveInWorkspace } from '../../workspace/confine';
import { EditorError, ioFailure, parameterInvalid } from './editor-error';

/** The file or directory an editor command names. */
export interface Target {
  /** Absolute path as the model should read it: the requested path, made absolute, links kept. */
  display: string;
  /** The real path (links resolved) inside the workspace: what is read and written. */
  real: string;
  /** What is there now; undefined when nothing is. */
  stats: Stats | undefined;
}

/**
 * Resolves the model's path with the workspace's one confinement rule (`resolveInWorkspace`):
 * relative paths start at the workspace root, and `..`, absolute paths elsewhere and symlinks
 * leading out are refused, in words the model can act on.
 */
export async function resolveTarget(workspace: string, requested: string): Promise<Target> {
  let real: string;
  try {
    real = await resolveInWorkspace(workspace, requested, { label: 'The path', mustExist: false });
  } catch (error) {
    if (error instanceof SandboxError) throw parameterInvalid('path', requested, error.message);
    throw error;
  }
  const display = path.resolve(workspace, requested);
  return { display, real, stats: await statOrUndefined(real, display) };
}

async function statOrUndefined(real: string, display: string): Promise<Stats | undefined> {
  try {
    return await stat(real);
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
      return undefined;
    }
    throw ioFailure(error, 'read', display);
  }
}

/** OpenHands' `validate_path`: whether this command may act on what is (or is not) at the path. */
export function validateTarget(command: string, target: Target): void {
  const { display, stats } = target;
  if (command === 'create') {
    if (stats !== undefined) {
      throw parameterInvalid(
        'path',
        display,
        `File already exists at: ${display}. Cannot overwrite files using command \`create\`.`,
      );
    }
    return;
  }
  if (stats === undefined) {
    throw parameterInvalid(
      'path',
      display,
      `The path ${display} does not exist. Please provide a valid path.`,
    );
  }
  if (command !== 'view' && stats.isDirectory()) {
    throw parameterInvalid(
      'path',
      display,
      `The path ${display} is a directory and only the \`view\` command can be used on directories.`,
    );
  }
  if (!stats.isDirectory() && !stats.isFile()) {
    throw new EditorError(
      `The path ${display} is neither a regular file nor a directory (a device, socket or pipe); this tool cannot open it.`,
    );
  }
}
