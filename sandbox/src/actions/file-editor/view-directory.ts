import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../../workspace/confine';
import type { CommandResult } from './command-result';
import { ioFailure, parameterInvalid } from './editor-error';
import { DIRECTORY_CLIPPED_NOTICE, MAX_RESPONSE_CHARS, clip, pythonList } from './output-format';
import type { Target } from './resolve-target';

/**
 * `view` of a directory, as OpenHands' editor lists it: the directory and its entries two
 * levels deep, hidden ones (`.name`) left out and counted, directories marked with `/`,
 * siblings sorted by name, each directory followed by its children. Symlinks are followed
 * only when they stay inside the workspace, so a listing never shows what lies outside.
 */
export async function viewDirectory(
  workspace: string,
  target: Target,
  viewRange: [number, number] | undefined,
): Promise<CommandResult> {
  const { display } = target;
  if (viewRange !== undefined) {
    throw parameterInvalid(
      'view_range',
      pythonList(viewRange),
      'The `view_range` parameter is not allowed when `path` points to a directory.',
    );
  }
  let top: Dirent[];
  try {
    top = await readdir(target.real, { withFileTypes: true });
  } catch (error) {
    throw ioFailure(error, 'read', display);
  }
  const hidden = top.filter((entry) => entry.name.startsWith('.')).length;
  const lines = await listTwoLevels(workspace, target.real, display, top);
  let output =
    `Here's the files and directories up to 2 levels deep in ${display}, excluding hidden items:\n` +
    lines.join('\n');
  if (hidden > 0) {
    output += `\n\n${hidden} hidden files/directories in this directory are excluded. You can use 'ls -la ${display}' to see them.`;
  }
  return { output: clip(output, DIRECTORY_CLIPPED_NOTICE) };
}

/** The listing's lines; stops early once they are longer than the output can show. */
async function listTwoLevels(
  workspace: string,
  real: string,
  display: string,
  top: Dirent[],
): Promise<string[]> {
  const lines = [`${display}/`];
  let length = lines[0]?.length ?? 0;
  const add = (line: string): boolean => {
    lines.push(line);
    length += line.length + 1;
    return length <= MAX_RESPONSE_CHARS;
  };
  for (const entry of visibleSorted(top)) {
    const isDirectory = await enterable(workspace, path.join(real, entry.name), entry);
    const shown = `${display}/${entry.name}`;
    if (!add(isDirectory ? `${shown}/` : shown)) break;
    if (!isDirectory) continue;
    for (const child of visibleSorted(await readdirOrEmpty(path.join(real, entry.name)))) {
      const childReal = path.join(real, entry.name, child.name);
      const childIsDirectory = await enterable(workspace, childReal, child);
      if (!add(`${shown}/${child.name}${childIsDirectory ? '/' : ''}`)) return lines;
    }
  }
  return lines;
}

function visibleSorted(entries: Dirent[]): Dirent[] {
  return entries
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A directory, or a symlink to one that stays inside the workspace. */
async function enterable(workspace: string, full: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    const resolved = await realpath(full);
    return isInside(workspace, resolved) && (await stat(resolved)).isDirectory();
  } catch {
    return false;
  }
}

/** A subdirectory that cannot be read is listed without children, as OpenHands does. */
async function readdirOrEmpty(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch {
    return [];
  }
}
