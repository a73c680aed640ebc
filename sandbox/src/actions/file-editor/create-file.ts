import { chown, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandUser } from '../action-context';
import { writeFileAtomic } from './atomic-write';
import type { CommandResult } from './command-result';
import { EditorError, ioFailure, parameterInvalid, parameterMissing } from './editor-error';
import type { Target } from './resolve-target';
import { diffOf } from './save-edit';

/**
 * `create`: writes a new UTF-8 file with `fileText`, making missing parent directories. It
 * never replaces a file, even one that appears while it writes. What it makes is given to the
 * command user, when there is one, so commands can change it afterwards.
 */
export async function createFile(
  workspace: string,
  target: Target,
  fileText: string | undefined,
  owner: CommandUser | undefined,
): Promise<CommandResult> {
  if (fileText === undefined) throw parameterMissing('create', 'file_text');
  const ids = owner === undefined ? undefined : { uid: owner.uid, gid: owner.gid };
  try {
    await makeParents(path.dirname(target.real), ids);
  } catch (error) {
    const blocker = await nonDirectoryAncestor(path.dirname(target.real));
    if (blocker !== undefined) {
      throw new EditorError(`Cannot create ${target.display}: ${blocker} is a file, not a directory.`);
    }
    throw ioFailure(error, 'write to', target.display);
  }
  try {
    await writeFileAtomic(target.real, Buffer.from(fileText, 'utf8'), {
      exclusive: true,
      ...(ids === undefined ? {} : { owner: ids }),
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      throw parameterInvalid(
        'path',
        target.display,
        `File already exists at: ${target.display}. Cannot overwrite files using command \`create\`.`,
      );
    }
    throw ioFailure(error, 'write to', target.display);
  }
  return {
    output: `File created successfully at: ${target.display}`,
    diff: diffOf(workspace, target, undefined, fileText),
  };
}

/** The nearest existing ancestor of `directory` (itself included) when it is not a directory. */
async function nonDirectoryAncestor(directory: string): Promise<string | undefined> {
  for (let current = directory; ; current = path.dirname(current)) {
    const stats = await stat(current).catch(() => undefined);
    if (stats !== undefined) return stats.isDirectory() ? undefined : current;
    if (path.dirname(current) === current) return undefined;
  }
}

/** `mkdir -p`, then the directories it made are handed to `ids`, top first. */
async function makeParents(directory: string, ids: { uid: number; gid: number } | undefined): Promise<void> {
  const first = await mkdir(directory, { recursive: true });
  if (first === undefined || ids === undefined) return;
  const made: string[] = [];
  for (let current = directory; current.length >= first.length; current = path.dirname(current)) {
    made.push(current);
    if (current === first) break;
  }
  for (const madeDirectory of made.reverse()) await chown(madeDirectory, ids.uid, ids.gid);
}
