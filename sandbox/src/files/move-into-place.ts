import { lstat, readdir, rename } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors';

/** One rename that puts a staged entry at its place. */
interface Move {
  from: string;
  to: string;
}

/**
 * Moves what was extracted into `staging` to the same places under `target`: a folder that does
 * not exist there is moved whole, one that does is merged into, a file or symlink replaces what
 * is there (each with one atomic `rename`, so no file is ever half written). Every conflict, a
 * file where a folder is or the other way round, or a folder where a symlink is (which would be
 * written through), is found before anything moves, so a refused upload changes nothing.
 */
export async function moveIntoPlace(staging: string, target: string): Promise<void> {
  const moves: Move[] = [];
  await planMoves(staging, target, '', moves);
  for (const move of moves) await rename(move.from, move.to);
}

async function planMoves(stagedDir: string, targetDir: string, rel: string, moves: Move[]): Promise<void> {
  const entries = await readdir(stagedDir, { withFileTypes: true });
  for (const entry of entries) {
    const from = path.join(stagedDir, entry.name);
    const to = path.join(targetDir, entry.name);
    const where = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const existing = await lstatOrUndefined(to);
    if (entry.isDirectory()) {
      if (existing === undefined) moves.push({ from, to });
      else if (existing.isDirectory()) await planMoves(from, to, where, moves);
      else throw conflict(where, existing.isSymbolicLink() ? 'a symlink' : 'a file', 'a folder');
    } else if (existing?.isDirectory() === true) {
      throw conflict(where, 'a folder', entry.isSymbolicLink() ? 'a symlink' : 'a file');
    } else {
      moves.push({ from, to });
    }
  }
}

async function lstatOrUndefined(target: string): Promise<Stats | undefined> {
  try {
    return await lstat(target);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function conflict(where: string, existing: string, incoming: string): SandboxError {
  return new SandboxError(
    'invalid_request',
    `Upload refused: "${where}" is ${existing} in the workspace and ${incoming} in the archive; remove it first or upload into another folder. Nothing was changed.`,
  );
}
