/**
 * @module The repository the solve-issue flow is tested on: a tiny Node project whose `sum()`
 * skips the last number, a test that fails because of it, an AGENTS.md, and the issue that
 * reports the bug. Committed on `main` into a bare repository on a {@link GitHttpServer}.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGit } from './git-http-server';
import type { GitHttpServer } from './git-http-server';

/** The issue that describes the fixture's bug, as a GitHub stand-in would serve it. */
export interface FixtureIssue {
  title: string;
  body: string;
}

/** The one-line change that fixes the bug, in `str_replace_editor` terms. */
export interface FixtureFix {
  path: string;
  oldStr: string;
  newStr: string;
}

export interface FixtureRepo {
  owner: string;
  repo: string;
  defaultBranch: 'main';
  /** Clone URL on the git server, without credentials. */
  cloneUrl: string;
  /** Sha of the single commit on `main`. */
  headSha: string;
  /** Every file committed, path → content. */
  files: Readonly<Record<string, string>>;
  issue: FixtureIssue;
  fix: FixtureFix;
}

export interface FixtureRepoOptions {
  owner?: string;
  repo?: string;
}

const BUGGY_LOOP = 'for (let i = 0; i < numbers.length - 1; i++) {';
const FIXED_LOOP = 'for (let i = 0; i < numbers.length; i++) {';

/** The fixture's files, path → content. */
export const FIXTURE_FILES: Readonly<Record<string, string>> = {
  'package.json': `${JSON.stringify(
    {
      name: 'sum-lib',
      version: '1.0.0',
      private: true,
      description: 'Adds up numbers.',
      main: 'src/sum.js',
      scripts: { test: 'node --test' },
    },
    null,
    2,
  )}\n`,
  'src/sum.js': `'use strict';

/**
 * Adds up an array of numbers.
 * @param {number[]} numbers
 * @returns {number}
 */
function sum(numbers) {
  let total = 0;
  ${BUGGY_LOOP}
    total += numbers[i];
  }
  return total;
}

module.exports = { sum };
`,
  'test/sum.test.js': `'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { sum } = require('../src/sum');

test('sum of an empty array is 0', () => {
  assert.equal(sum([]), 0);
});

test('sum adds every number', () => {
  assert.equal(sum([1, 2, 3]), 6);
});

test('sum of one number is that number', () => {
  assert.equal(sum([5]), 5);
});
`,
  'AGENTS.md': `# Agent instructions

- Install nothing: the project has no dependencies. Node 20 or later.
- Run the tests with \`npm test\` (it runs \`node --test\`); they must pass before you finish.
- Keep changes minimal and focused on the issue; do not reformat unrelated code.
- Do not change or delete existing tests to make them pass; add a test when you fix a bug.
`,
  'README.md': '# sum-lib\n\n`sum(numbers)` adds up an array of numbers.\n',
};

/** The bug report for {@link FIXTURE_FILES}. */
export const FIXTURE_ISSUE: FixtureIssue = {
  title: 'sum() ignores the last number in the array',
  body: `\`sum\` from \`src/sum.js\` leaves out the last element of the array it is given.

Steps to reproduce:

\`\`\`js
const { sum } = require('./src/sum');
console.log(sum([1, 2, 3]));
\`\`\`

Expected \`6\`, got \`3\`. \`npm test\` fails on "sum adds every number" too.
`,
};

/** The fix: a one-line change to the loop bound. */
export const FIXTURE_FIX: FixtureFix = { path: 'src/sum.js', oldStr: BUGGY_LOOP, newStr: FIXED_LOOP };

/** Fixed identity and dates, so the fixture's commit sha is the same on every run. */
const COMMIT_ENV: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: 'Fixture Author',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Fixture Author',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
};

/** Builds the fixture in a temporary folder, commits it on `main` and pushes it to `server`. */
export async function createFixtureRepo(
  server: GitHttpServer,
  options: FixtureRepoOptions = {},
): Promise<FixtureRepo> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'sum-lib';
  const work = await mkdtemp(path.join(tmpdir(), 'handoff-fixture-'));
  try {
    for (const [file, content] of Object.entries(FIXTURE_FILES)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), content);
    }
    await git(['init', '--quiet', '--initial-branch=main'], work);
    await git(['add', '--all'], work);
    await git(['commit', '--quiet', '--no-gpg-sign', '-m', 'Add sum()'], work);
    const headSha = (await git(['rev-parse', 'HEAD'], work)).trim();
    const bare = await server.createBareRepo(owner, repo, work);
    return {
      owner,
      repo,
      defaultBranch: 'main',
      cloneUrl: bare.cloneUrl,
      headSha,
      files: FIXTURE_FILES,
      issue: FIXTURE_ISSUE,
      fix: FIXTURE_FIX,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function git(args: readonly string[], cwd: string): Promise<string> {
  const result = await runGit(args, { cwd, env: COMMIT_ENV });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
