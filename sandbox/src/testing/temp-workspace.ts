import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throw-away workspace folder. */
export interface TempWorkspace {
  /** Its real absolute path. */
  path: string;
  /** Removes it and everything in it. */
  dispose(): Promise<void>;
}

/** Creates an empty workspace folder under the OS temp directory. */
export async function createTempWorkspace(prefix = 'handoff-sandbox-'): Promise<TempWorkspace> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  return { path: dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
