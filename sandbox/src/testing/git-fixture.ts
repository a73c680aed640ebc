import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Git with no system or global config and no prompts, for setting up and checking repositories. */
export function git(cwd: string, args: readonly string[], env: Record<string, string> = {}): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
      ...env,
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A bare "remote" repository on disk, and an empty workspace to clone it into. */
export interface GitFixture {
  /** Absolute path of the bare repository (a clone URL for git). */
  remote: string;
  /** The empty workspace folder (real path). */
  workspace: string;
  /** The commit of the remote's `main`. */
  mainCommit: string;
  /** Removes everything. */
  dispose(): Promise<void>;
}

/** The files of the remote's first commit. */
export const FIXTURE_FILES: Record<string, string> = {
  'README.md': '# widgets\n',
  '.gitignore': '*.log\n',
  'src/sum.js': 'export const sum = (a, b) => a - b;\n',
  'src/keep.txt': 'a line that stays the same in every test\nand another one\n',
};

/** Creates `remote` (branches `main` and `feature`) and an empty `workspace`. */
export async function createGitFixture(): Promise<GitFixture> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'handoff-git-')));
  const seed = path.join(root, 'seed');
  const remote = path.join(root, 'remote.git');
  const workspace = path.join(root, 'workspace');
  await mkdir(workspace);
  await mkdir(path.join(seed, 'src'), { recursive: true });
  for (const [name, content] of Object.entries(FIXTURE_FILES)) await writeFile(path.join(seed, name), content);
  const author = { GIT_AUTHOR_NAME: 'Seed', GIT_AUTHOR_EMAIL: 'seed@example.com' };
  const identity = { ...author, GIT_COMMITTER_NAME: 'Seed', GIT_COMMITTER_EMAIL: 'seed@example.com' };
  git(seed, ['init', '--quiet', '--initial-branch=main']);
  git(seed, ['add', '-A']);
  git(seed, ['commit', '--quiet', '-m', 'first'], identity);
  git(seed, ['checkout', '--quiet', '-b', 'feature']);
  await writeFile(path.join(seed, 'feature.txt'), 'only on the feature branch\n');
  git(seed, ['add', '-A']);
  git(seed, ['commit', '--quiet', '-m', 'feature'], identity);
  git(seed, ['checkout', '--quiet', 'main']);
  git(root, ['clone', '--quiet', '--bare', seed, remote]);
  const mainCommit = git(remote, ['rev-parse', 'main']).trim();
  return { remote, workspace, mainCommit, dispose: () => rm(root, { recursive: true, force: true }) };
}
