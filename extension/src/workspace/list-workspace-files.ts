/**
 * @module Which files of the user's workspace go into the sandbox: what git would commit (tracked
 * plus untracked-but-not-ignored), or, outside a git repository, every file but well-known
 * heavy or private folders.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Folders skipped when the workspace is not a git repository (no `.gitignore` to go by):
 * version-control metadata, dependency trees, virtual environments, caches and build outputs.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.gradle',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  'dist',
  'build',
  'out',
  'target',
]);

/** What {@link listWorkspaceFiles} found. */
export interface WorkspaceFileList {
  /** Workspace-relative paths, `/`-separated, sorted; files and symlinks, never folders. */
  paths: string[];
  /** `git`: `git ls-files`; `walk`: no git repository (or no git), the folder walked. */
  source: 'git' | 'walk';
}

/**
 * Lists the files to upload from `root` (absolute). In a git repository (or a folder inside
 * one): `git ls-files --cached --others --exclude-standard -z`, so `.gitignore` is honoured and
 * names with spaces, newlines or non-ASCII characters come through unquoted. Otherwise: every
 * file below `root`, skipping {@link SKIPPED_FOLDERS}. Paths listed by git that no longer exist
 * on disk (deleted, not yet committed) are left for the packer to skip.
 */
export async function listWorkspaceFiles(root: string): Promise<WorkspaceFileList> {
  const listed = await gitLsFiles(root);
  if (listed !== undefined) return { paths: listed.sort(), source: 'git' };
  return { paths: (await walk(root, '')).sort(), source: 'walk' };
}

/** The git listing, or undefined when `root` is not in a work tree or git is not installed. */
async function gitLsFiles(root: string): Promise<string[] | undefined> {
  const args = ['-c', 'core.quotePath=false', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'];
  const result = await run('git', args, root);
  if (result.missing) return undefined;
  if (result.code !== 0) {
    if (/not a git repository/i.test(result.stderr)) return undefined;
    throw new Error(
      `git ls-files failed in ${root}: ${result.stderr.trim() || `exit code ${String(result.code)}`}`,
    );
  }
  const unique = new Set(result.stdout.split('\0').filter((entry) => entry !== ''));
  return [...unique];
}

interface RunResult {
  /** The program is not installed. */
  missing: boolean;
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ missing: false, code: 0, stdout, stderr });
        } else if ((error as NodeJS.ErrnoException).code === 'ENOENT' && stdout === '' && stderr === '') {
          resolve({ missing: true, code: -1, stdout, stderr });
        } else if (typeof error.code === 'number') {
          resolve({ missing: false, code: error.code, stdout, stderr });
        } else {
          reject(new Error(`Could not run ${command}: ${error.message}`, { cause: error }));
        }
      },
    );
  });
}

/** Every file and symlink below `dir`; symlinked folders are listed as links, not followed. */
async function walk(root: string, relative: string): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) found.push(...(await walk(root, rel)));
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      found.push(rel);
    }
  }
  return found;
}
