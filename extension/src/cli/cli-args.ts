/**
 * @module The `handoff` command line: `handoff solve <owner/repo#123 | issue URL> [options]`,
 * parsed together with the environment into one checked configuration. Every mistake is a
 * {@link UsageError} whose message says what to do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LlmConfigSchema, SandboxIdSchema } from '@handoff/protocol';
import type { LlmConfig } from '@handoff/protocol';
import { InvalidGitHubRefError, parseGitHubRef } from '../solve/issue-ref';
import type { IssueTarget } from '../solve/solve-types';

/** A mistake in the command line or the environment; exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: handoff solve <owner/repo#123 | https://github.com/owner/repo/issues/123> [options]

Solves a GitHub issue in a sandbox and opens a draft pull request with the fix.
Exits 0 only when the pull request was opened.

Options:
  --model <provider/model>   The model, e.g. anthropic/claude-sonnet-4-5 or openai/gpt-4o
                             (default: $HANDOFF_MODEL)
  --llm-base-url <url>       Endpoint of an OpenAI-compatible or Azure model ($HANDOFF_LLM_BASE_URL)
  --runtime-api <url>        The runtime API (default: $HANDOFF_RUNTIME_API_URL or http://127.0.0.1:3000)
  --max-budget <usd>         Dollars the agent may spend on the model
  --max-iterations <n>       Steps the agent may take
  --github-api-url <url>     GitHub's API root (default: $GITHUB_API_URL or https://api.github.com;
                             GitHub Enterprise: https://<host>/api/v3)
  --patch-dir <dir>          Where the agent's changes are saved when no pull request is opened
                             (default: the current directory)
  --keep-sandbox             Keep the sandbox of a failed solve (to inspect it, or push its work later)
                             instead of stopping it
  --resume <sandbox-id>      Push the work of an earlier solve kept with --keep-sandbox (after GitHub
                             refused its push) and open the pull request; the agent does not run again
  --json                     Print progress and the result as JSON lines on stdout
  -h, --help                 Show this help

Environment:
  GITHUB_TOKEN (or GH_TOKEN)  A token that can read the issue, push branches and open pull requests
  HANDOFF_RUNTIME_API_KEY     The runtime API's key (default: ~/.config/handoff/runtime-api-key,
                              written by "npm start")
  HANDOFF_LLM_API_KEY         The model provider's key (or ANTHROPIC_API_KEY / OPENAI_API_KEY)`;

/** Everything `handoff solve` runs with. */
export interface SolveCliConfig {
  target: IssueTarget;
  llm: LlmConfig;
  runtimeApiUrl: string;
  runtimeApiKey: string;
  githubToken: string;
  githubApiUrl: string | undefined;
  maxBudgetUsd: number | undefined;
  maxIterations: number | undefined;
  patchDir: string;
  keepSandbox: boolean;
  /** The kept sandbox of an earlier solve whose work is to be published. */
  resumeSandboxId: string | undefined;
  json: boolean;
}

/** What the command line asks for. */
export type CliCommand = { kind: 'help' } | { kind: 'solve'; config: SolveCliConfig };

const OPTIONS = {
  model: { type: 'string' },
  'llm-base-url': { type: 'string' },
  'runtime-api': { type: 'string' },
  'max-budget': { type: 'string' },
  'max-iterations': { type: 'string' },
  'github-api-url': { type: 'string' },
  'patch-dir': { type: 'string' },
  'keep-sandbox': { type: 'boolean' },
  resume: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `argv` (without `node` and the script) with `env`; throws {@link UsageError}. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}. Run "handoff --help".`);
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) return { kind: 'help' };
  const [command, ref, ...extra] = positionals;
  if (command !== 'solve') throw new UsageError(`Unknown command "${command ?? ''}". Run "handoff --help".`);
  if (ref === undefined) throw new UsageError('Say which issue to solve: handoff solve owner/repo#123 (or an issue URL).');
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0] ?? ''}": solve one issue at a time.`);
  const githubApiUrl = optionalUrl(values['github-api-url'] ?? env.GITHUB_API_URL, '--github-api-url');
  return {
    kind: 'solve',
    config: {
      target: issueTarget(ref, env.GITHUB_SERVER_URL),
      llm: llmConfig(values.model ?? env.HANDOFF_MODEL, values['llm-base-url'] ?? env.HANDOFF_LLM_BASE_URL, env),
      runtimeApiUrl: optionalUrl(values['runtime-api'] ?? env.HANDOFF_RUNTIME_API_URL, '--runtime-api') ?? 'http://127.0.0.1:3000',
      runtimeApiKey: runtimeApiKey(env),
      githubToken: githubToken(env),
      githubApiUrl,
      maxBudgetUsd: positiveNumber(values['max-budget'], '--max-budget', false),
      maxIterations: positiveNumber(values['max-iterations'], '--max-iterations', true),
      patchDir: path.resolve(cwd, values['patch-dir'] ?? '.'),
      keepSandbox: values['keep-sandbox'] === true,
      resumeSandboxId: sandboxId(values.resume),
      json: values.json === true,
    },
  };
}

function issueTarget(text: string, serverUrl: string | undefined): IssueTarget {
  try {
    const ref = parseGitHubRef(text, serverUrl === undefined ? {} : { webUrl: serverUrl });
    if (ref.number === undefined)
      throw new UsageError(`"${text}" names a repository but no issue: add the number, e.g. ${ref.owner}/${ref.repo}#123.`);
    return { owner: ref.owner, repo: ref.repo, number: ref.number };
  } catch (error) {
    if (error instanceof InvalidGitHubRefError) throw new UsageError(error.message);
    throw error;
  }
}

function llmConfig(model: string | undefined, baseUrl: string | undefined, env: NodeJS.ProcessEnv): LlmConfig {
  if (model === undefined || model === '')
    throw new UsageError('Say which model to use: --model provider/model (e.g. anthropic/claude-sonnet-4-5), or set HANDOFF_MODEL.');
  const provider = model.slice(0, Math.max(0, model.indexOf('/')));
  const apiKey = env.HANDOFF_LLM_API_KEY ?? (provider === 'anthropic' ? env.ANTHROPIC_API_KEY : env.OPENAI_API_KEY);
  const parsed = LlmConfigSchema.safeParse({
    model,
    ...(apiKey === undefined || apiKey === '' ? {} : { apiKey }),
    ...(baseUrl === undefined || baseUrl === '' ? {} : { baseUrl }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'model');
    const option = field === 'baseUrl' ? '--llm-base-url' : field === 'apiKey' ? 'HANDOFF_LLM_API_KEY' : '--model';
    throw new UsageError(`${option} is invalid: ${issue?.message ?? 'check its value'}.`);
  }
  if (parsed.data.apiKey === undefined && (provider === 'openai' || provider === 'anthropic'))
    throw new UsageError(`No key for ${provider}: set HANDOFF_LLM_API_KEY (or ${provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY'}).`);
  return parsed.data;
}

function runtimeApiKey(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.HANDOFF_RUNTIME_API_KEY;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = path.join(env.HOME ?? homedir(), '.config', 'handoff', 'runtime-api-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key !== '') return key;
  }
  throw new UsageError(`No runtime API key: set HANDOFF_RUNTIME_API_KEY (or start the runtime with "npm start", which writes ${file}).`);
}

function githubToken(env: NodeJS.ProcessEnv): string {
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (token === undefined || token.trim() === '')
    throw new UsageError('No GitHub token: set GITHUB_TOKEN to a token that can push branches and open pull requests (scope "repo").');
  return token.trim();
}

function optionalUrl(value: string | undefined, option: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new UsageError(`${option} must be an http(s) URL, not "${value}".`);
  }
  return value.replace(/\/+$/, '');
}

function sandboxId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!SandboxIdSchema.safeParse(value).success)
    throw new UsageError(`--resume takes the sandboxId of an earlier solve's result, not "${value}".`);
  return value;
}

function positiveNumber(value: string | undefined, option: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number)))
    throw new UsageError(`${option} must be a positive ${integer ? 'whole number' : 'number'}, not "${value}".`);
  return number;
}
