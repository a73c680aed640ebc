import path from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { EditorError, ioFailure } from './editor-error';
import type { EditHistory } from './edit-history';
import type { Target } from './resolve-target';
import { encodeText, unencodableCharacter } from './text-codec';
import type { TextFile } from './text-file';
import { unifiedDiff } from './unified-diff';

/**
 * Writes the edited text back in the file's own encoding, BOM and line endings, atomically and
 * keeping its mode and owner, then remembers the old bytes for `undo_edit`. Returns the diff.
 */
export async function saveEdit(
  workspace: string,
  history: EditHistory,
  edit: { target: Target; file: TextFile; newText: string },
): Promise<string | undefined> {
  const { target, file, newText } = edit;
  const unencodable = unencodableCharacter(newText, file.format);
  if (unencodable !== undefined) {
    throw new EditorError(
      `Cannot write "${unencodable}" to ${target.display}: the file is encoded as Latin-1 (ISO-8859-1), ` +
        'which has no such character. No change was made. Use only characters Latin-1 has, or convert ' +
        'the file to UTF-8 first (e.g. with `iconv -f latin1 -t utf-8`).',
    );
  }
  await replaceContent(target, encodeText(newText, file.format));
  history.push(target.real, file.bytes);
  return diffOf(workspace, target, file.text, newText);
}

/** Replaces an existing file's bytes atomically, keeping its permission bits and owner. */
export async function replaceContent(target: Target, bytes: Buffer): Promise<void> {
  const stats = target.stats;
  try {
    await writeFileAtomic(
      target.real,
      bytes,
      stats === undefined ? {} : { mode: stats.mode & 0o7777, owner: { uid: stats.uid, gid: stats.gid } },
    );
  } catch (error) {
    throw ioFailure(error, 'write to', target.display);
  }
}

/** The unified diff of a change, labelled with the workspace-relative path (`/dev/null` when absent). */
export function diffOf(
  workspace: string,
  target: Target,
  oldText: string | undefined,
  newText: string,
): string | undefined {
  const relative = path.relative(workspace, target.display).split(path.sep).join('/');
  return unifiedDiff(oldText ?? '', newText, {
    old: oldText === undefined ? '/dev/null' : `a/${relative}`,
    new: `b/${relative}`,
  });
}
