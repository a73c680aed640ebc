/**
 * @module Everything a solve test runs against: the real git server (smart HTTP, token auth) with
 * the fixture repository, the GitHub REST stand-in in front of it, runtime-api with the process
 * provider, and a scripted model; plus {@link runSolveCli}, which runs the real `handoff` CLI
 * bundle as a child process, the way CI would.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RUNTIME_API_KEY_HEADER, SandboxListSchema, type SandboxInfo } from '@handoff/protocol';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedLlmTurn,
} from '../../../agent-server/src/testing/scripted-llm-server';
import { createFixtureRepo, type FixtureRepo } from '../../../extension/src/testing/fixture-repo';
import { GitHttpServer, runGit } from '../../../extension/src/testing/git-http-server';
import { GitHubStandIn } from '../../../extension/src/testing/github-stand-in';
import { REPO_ROOT } from '../services';
import { startRuntimeStack, type RuntimeStack } from '../stack';

/** The CLI bundle (`npm run build -w handoff-vscode`). */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'extension/dist/cli.cjs');

/** Tokens of the world: alice may push; bob may read and (per the API) push, but the git server refuses his pushes. */
export const TOKENS = {
  alice: 'ghp_aliceSolveToken0123456789abcdefABCDEF',
  bob: 'ghp_bobReadOnlyToken0123456789abcdefABCDEF',
  carol: 'ghp_carolNoPushToken0123456789abcdefABCDE',
} as const;

/** The scripted model's fix of the fixture: read, edit, run the tests (`testCommand`), `extra` turns, finish. */
export function fixingScript(
  fixture: FixtureRepo,
  extra: readonly ScriptedLlmTurn[] = [],
  testCommand = 'node --test',
): ScriptedLlmTurn[] {
  return [
    {
      text: 'Let me look at the code.',
      toolCalls: [
        { name: 'execute_bash', arguments: { command: 'cat src/sum.js && git remote -v && cat .git/config', security_risk: 'LOW' } },
      ],
    },
    {
      text: 'The loop stops one element early.',
      toolCalls: [
        {
          name: 'str_replace_editor',
          arguments: {
            command: 'str_replace',
            path: fixture.fix.path,
            old_str: fixture.fix.oldStr,
            new_str: fixture.fix.newStr,
            security_risk: 'LOW',
          },
        },
      ],
    },
    { toolCalls: [{ name: 'execute_bash', arguments: { command: testCommand, security_risk: 'LOW' } }] },
    ...extra,
    {
      toolCalls: [
        {
          name: 'finish',
          arguments: {
            message: `The loop in sum() stopped one element early; it now covers the whole array. \`${testCommand}\` passes.`,
          },
        },
      ],
    },
  ];
}

/** The runtime API the CLI is pointed at. */
export interface RuntimeEndpoint {
  url: string;
  apiKey: string;
  /** Everything it logged so far. */
  log(): string;
  /** Where the process provider keeps its sandboxes' folders (absent for Docker). */
  sandboxRoot?: string;
}

/** The world one test file runs in. */
export interface SolveWorld {
  git: GitHttpServer;
  /** What each token may do on the git server, read at every request (tests may change it). */
  grants: Record<string, { push: boolean }>;
  github: GitHubStandIn;
  fixture: FixtureRepo;
  runtime: RuntimeEndpoint;
  /** Where the CLI runs and saves patches. */
  workDir: string;
  close(): Promise<void>;
}

/** Options of {@link startSolveWorld}. */
export interface SolveWorldOptions {
  /** A runtime-api of the caller's (Docker); runtime-api with the process provider when absent. */
  runtime?: RuntimeEndpoint;
  /** The git server's URL as sandboxes reach it (e.g. a relay on a container network); its loopback URL when absent. */
  sandboxGitUrl?: (git: GitHttpServer) => Promise<{ url: string; close(): Promise<void> }>;
}

/** Starts the git server with the fixture, the GitHub stand-in and (unless given) runtime-api. */
export async function startSolveWorld(options: SolveWorldOptions = {}): Promise<SolveWorld> {
  const gitRoot = mkdtempSync(path.join(tmpdir(), 'handoff-solve-git-'));
  const workDir = mkdtempSync(path.join(tmpdir(), 'handoff-solve-cli-'));
  const grants = { [TOKENS.alice]: { push: true }, [TOKENS.bob]: { push: false }, [TOKENS.carol]: { push: false } };
  const git = await GitHttpServer.start({ root: gitRoot, tokens: grants });
  const exposed = await options.sandboxGitUrl?.(git);
  const fixture = await createFixtureRepo(git);
  const github = await GitHubStandIn.start({
    gitUrl: exposed?.url ?? git.url,
    branchExists: async (owner, repo, ref) => `refs/heads/${ref}` in (await git.refs(owner, repo)),
  });
  github.addToken({ token: TOKENS.alice, login: 'alice', scopes: ['repo'] });
  github.addToken({ token: TOKENS.bob, login: 'bob', scopes: ['repo'] });
  github.addToken({ token: TOKENS.carol, login: 'carol', push: false, scopes: ['repo'] });
  github.addRepo({ owner: fixture.owner, name: fixture.repo });
  github.addIssue(`${fixture.owner}/${fixture.repo}`, { title: fixture.issue.title, body: fixture.issue.body, user: 'dave', labels: ['bug'] });
  github.addComment(`${fixture.owner}/${fixture.repo}`, 1, { body: 'Also happens with two numbers: sum([5, 5]) is 5.', user: 'erin' });
  const stack: RuntimeStack | undefined = options.runtime === undefined ? await startRuntimeStack() : undefined;
  const runtime: RuntimeEndpoint = options.runtime ?? {
    url: stack!.runtime.url,
    apiKey: stack!.apiKey,
    log: () => stack!.runtime.stderr(),
    sandboxRoot: stack!.sandboxRoot,
  };
  return {
    git,
    grants,
    github,
    fixture,
    runtime,
    workDir,
    close: async () => {
      await stack?.close();
      await exposed?.close();
      await github.stop();
      await git.close();
      rmSync(gitRoot, { recursive: true, force: true });
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** How one CLI run went. */
export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The `--json` lines, parsed. */
  lines: Record<string, unknown>[];
  /** The final `result` line. */
  result: Record<string, unknown> | undefined;
}

/** What to run the CLI with. */
export interface CliRunOptions {
  world: SolveWorld;
  llm: ScriptedLlmServer;
  args: string[];
  token?: string;
  /** The model's base URL as the sandbox reaches it; `llm.url` when absent. */
  llmBaseUrl?: string;
  /** Called with the child once it runs (e.g. to interrupt it). */
  onStart?: (child: ReturnType<typeof spawn>) => void;
}

/** Runs `node extension/dist/cli.cjs <args> --json` with the world's endpoints. */
export async function runSolveCli(options: CliRunOptions): Promise<CliRun> {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run "npm run build" first.`);
  const { world, llm } = options;
  const child = spawn(
    process.execPath,
    [
      CLI_BUNDLE,
      ...options.args,
      '--json',
      '--model',
      'openai/gpt-4o',
      '--llm-base-url',
      options.llmBaseUrl ?? llm.url,
      '--runtime-api',
      world.runtime.url,
      '--github-api-url',
      world.github.url,
    ],
    {
      cwd: world.workDir,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: world.workDir,
        GITHUB_TOKEN: options.token ?? TOKENS.alice,
        HANDOFF_RUNTIME_API_KEY: world.runtime.apiKey,
        HANDOFF_LLM_API_KEY: 'sk-solve-e2e-llm-key',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  options.onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => { resolve(code); }));
  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { exitCode, stdout, stderr, lines, result: lines.find((line) => line['type'] === 'result') };
}

/** A fresh scripted model for one run. */
export async function scriptedModel(turns: readonly ScriptedLlmTurn[]): Promise<ScriptedLlmServer> {
  return startScriptedLlmServer(turns);
}

/** The sandboxes runtime-api runs now. */
export async function runningSandboxes(world: SolveWorld): Promise<SandboxInfo[]> {
  const response = await fetch(`${world.runtime.url}/list?limit=200`, {
    headers: { [RUNTIME_API_KEY_HEADER]: world.runtime.apiKey },
  });
  return SandboxListSchema.parse(await response.json()).items;
}

/** A file of `branch` on the git server, read through a fresh clone with alice's token. */
export async function readBranchFile(world: SolveWorld, branch: string, file: string): Promise<{ content: string; author: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'handoff-solve-read-'));
  try {
    const url = world.git.cloneUrl(world.fixture.owner, world.fixture.repo);
    const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${TOKENS.alice}`).toString('base64')}`;
    const clone = await runGit(['-c', `http.extraHeader=${auth}`, 'clone', '--quiet', '--branch', branch, url, dir]);
    if (clone.exitCode !== 0) throw new Error(`clone of ${branch} failed: ${clone.stderr}`);
    const show = await runGit(['show', `HEAD:${file}`], { cwd: dir });
    const author = await runGit(['log', '-1', '--format=%an <%ae>'], { cwd: dir });
    return { content: show.stdout, author: author.stdout.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
