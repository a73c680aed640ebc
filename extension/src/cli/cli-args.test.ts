import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError, parseCommandLine } from './cli-args';

const ENV = {
  GITHUB_TOKEN: 'ghp_token',
  HANDOFF_RUNTIME_API_KEY: 'runtime-key',
  HANDOFF_MODEL: 'anthropic/claude-sonnet-4-5',
  ANTHROPIC_API_KEY: 'sk-ant',
};

function solve(argv: string[], env: NodeJS.ProcessEnv = ENV) {
  const command = parseCommandLine(argv, env, '/work');
  if (command.kind !== 'solve') throw new Error('expected solve');
  return command.config;
}

function usageError(argv: string[], env: NodeJS.ProcessEnv = ENV): string {
  try {
    parseCommandLine(argv, env, '/work');
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('handoff command line', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads owner/repo#n or an issue URL with the environment defaults', () => {
    const config = solve(['solve', 'acme/widgets#12']);
    expect(config).toMatchObject({
      target: { owner: 'acme', repo: 'widgets', number: 12 },
      llm: { model: 'anthropic/claude-sonnet-4-5', apiKey: 'sk-ant' },
      runtimeApiUrl: 'http://127.0.0.1:3000',
      runtimeApiKey: 'runtime-key',
      githubToken: 'ghp_token',
      githubApiUrl: undefined,
      patchDir: '/work',
      json: false,
      keepSandbox: false,
    });
    expect(solve(['solve', 'https://github.com/acme/widgets/issues/7']).target).toEqual({
      owner: 'acme',
      repo: 'widgets',
      number: 7,
    });
  });

  it('takes the options over the environment', () => {
    const config = solve([
      'solve',
      'acme/widgets#1',
      '--model',
      'openai/gpt-4o',
      '--llm-base-url',
      'http://127.0.0.1:9/v1',
      '--runtime-api',
      'http://10.0.0.2:3000/',
      '--max-budget',
      '2.5',
      '--max-iterations',
      '40',
      '--github-api-url',
      'https://ghe.example/api/v3',
      '--patch-dir',
      'out',
      '--keep-sandbox',
      '--resume',
      'sbx-1a2b',
      '--json',
    ], { ...ENV, OPENAI_API_KEY: 'sk-openai' });
    expect(config).toMatchObject({
      llm: { model: 'openai/gpt-4o', apiKey: 'sk-openai', baseUrl: 'http://127.0.0.1:9/v1' },
      runtimeApiUrl: 'http://10.0.0.2:3000',
      maxBudgetUsd: 2.5,
      maxIterations: 40,
      githubApiUrl: 'https://ghe.example/api/v3',
      patchDir: '/work/out',
      keepSandbox: true,
      resumeSandboxId: 'sbx-1a2b',
      json: true,
    });
  });

  it('reads the runtime key that npm start wrote when the environment has none', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'handoff-cli-home-'));
    temps.push(home);
    mkdirSync(path.join(home, '.config', 'handoff'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'handoff', 'runtime-api-key'), 'from-file\n');
    const env = { ...ENV, HANDOFF_RUNTIME_API_KEY: undefined, HOME: home };
    expect(solve(['solve', 'a/b#1'], env).runtimeApiKey).toBe('from-file');
  });

  it('shows help without arguments or with --help', () => {
    expect(parseCommandLine([], ENV, '/').kind).toBe('help');
    expect(parseCommandLine(['solve', '--help'], ENV, '/').kind).toBe('help');
  });

  it('says what to do for every mistake', () => {
    expect(usageError(['fix', 'a/b#1'])).toMatch(/Unknown command "fix"/);
    expect(usageError(['solve'])).toMatch(/Say which issue to solve/);
    expect(usageError(['solve', 'a/b#1', 'c/d#2'])).toMatch(/one issue at a time/);
    expect(usageError(['solve', 'acme/widgets'])).toMatch(/names a repository but no issue: add the number, e\.g\. acme\/widgets#123/);
    expect(usageError(['solve', 'not a repo'])).toMatch(/not a GitHub repository/);
    expect(usageError(['solve', 'a/b#1', '--bogus'])).toMatch(/Unknown option '--bogus'.*handoff --help/);
    expect(usageError(['solve', 'a/b#1', '--max-budget=-1'])).toMatch(/--max-budget must be a positive number/);
    expect(usageError(['solve', 'a/b#1', '--max-iterations', '2.5'])).toMatch(/--max-iterations must be a positive whole number/);
    expect(usageError(['solve', 'a/b#1', '--resume', '../etc'])).toMatch(/--resume takes the sandboxId/);
    expect(usageError(['solve', 'a/b#1', '--runtime-api', 'ftp://x'])).toMatch(/--runtime-api must be an http\(s\) URL/);
    expect(usageError(['solve', 'a/b#1', '--model', 'gpt-4o'])).toMatch(/--model is invalid: must be "provider\/model"/);
    expect(usageError(['solve', 'a/b#1'], { ...ENV, GITHUB_TOKEN: '' })).toMatch(/No GitHub token: set GITHUB_TOKEN/);
    expect(usageError(['solve', 'a/b#1'], { ...ENV, HANDOFF_MODEL: undefined })).toMatch(/Say which model to use/);
    expect(usageError(['solve', 'a/b#1'], { ...ENV, ANTHROPIC_API_KEY: undefined })).toMatch(/No key for anthropic: set HANDOFF_LLM_API_KEY/);
    const home = mkdtempSync(path.join(tmpdir(), 'handoff-cli-home-'));
    temps.push(home);
    expect(usageError(['solve', 'a/b#1'], { ...ENV, HANDOFF_RUNTIME_API_KEY: undefined, HOME: home })).toMatch(
      /No runtime API key: set HANDOFF_RUNTIME_API_KEY/,
    );
  });
});
