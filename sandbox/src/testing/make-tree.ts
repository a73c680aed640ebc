import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The shape of a generated tree. */
export interface TreeShape {
  /** Directories, spread two levels deep (`d<i/100>/s<i>`). */
  dirs: number;
  /** Small text files in each directory. */
  filesPerDir: number;
}

/** Writes `dirs × filesPerDir` small files under `root`; returns the relative file paths. */
export async function makeTree(root: string, shape: TreeShape): Promise<string[]> {
  const files: string[] = [];
  const pending: Promise<void>[] = [];
  for (let d = 0; d < shape.dirs; d++) {
    const dir = `d${Math.floor(d / 100)}/s${d}`;
    pending.push(
      (async () => {
        await mkdir(path.join(root, dir), { recursive: true });
        for (let f = 0; f < shape.filesPerDir; f++) {
          await writeFile(path.join(root, dir, `f${f}.txt`), `file ${f} of directory ${d}\n`);
        }
      })(),
    );
    for (let f = 0; f < shape.filesPerDir; f++) files.push(`${dir}/f${f}.txt`);
    // Bounded fan-out: enough to keep the disk busy, few enough to stay under the fd limit.
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return files;
}
