/**
 * @module The `handoff` CLI's entry: `handoff solve owner/repo#123` does what the VS Code
 * command does, headlessly, for CI and scripts. Exit status: 0 when the draft pull request was
 * opened, 1 when the solve failed, 2 for a usage mistake, 130 when interrupted (Ctrl-C).
 * The first Ctrl-C cancels cleanly (the agent stops, its changes are saved, the sandbox is
 * stopped); a second one exits at once.
 */
import type { Logger } from '../common/logger';
import { createSolveDependencies, solveIssue } from '../solve/solve-issue';
import type { SolveDependencies } from '../solve/solve-issue';
import { redact } from '../solve/solve-task';
import { USAGE, UsageError, parseCommandLine } from './cli-args';
import type { SolveCliConfig } from './cli-args';
import { printResult, progressPrinter, savePatch } from './cli-report';
import type { CliStreams } from './cli-report';

/** Exit statuses. */
export const EXIT = { opened: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** What {@link runCli} runs in; `main` passes the process's. */
export interface CliEnvironment extends CliStreams {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on the first interrupt. */
  signal: AbortSignal;
  /** Replaces the real clients (tests). */
  dependencies?: (config: SolveCliConfig, logger: Logger) => SolveDependencies;
}

/** Runs the command line; resolves with the exit status. */
export async function runCli(environment: CliEnvironment): Promise<number> {
  let config: SolveCliConfig;
  try {
    const command = parseCommandLine(environment.argv, environment.env, environment.cwd);
    if (command.kind === 'help') {
      environment.stdout.write(`${USAGE}\n`);
      return EXIT.opened;
    }
    config = command.config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    environment.stderr.write(`handoff: ${error.message}\n`);
    return EXIT.usage;
  }
  const logger = stderrLogger(environment, [config.githubToken, config.runtimeApiKey, config.llm.apiKey ?? '']);
  const deps =
    environment.dependencies?.(config, logger) ??
    createSolveDependencies({
      githubToken: config.githubToken,
      ...(config.githubApiUrl === undefined ? {} : { githubApiUrl: config.githubApiUrl }),
      runtimeApiUrl: config.runtimeApiUrl,
      runtimeApiKey: config.runtimeApiKey,
      logger,
    });
  const outcome = await solveIssue(
    {
      target: config.target,
      llm: config.llm,
      ...(config.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: config.maxBudgetUsd }),
      ...(config.maxIterations === undefined ? {} : { maxIterations: config.maxIterations }),
      signal: environment.signal,
      onProgress: progressPrinter(environment, config.json),
      releaseSandbox: config.keepSandbox ? 'on_success' : 'always',
      ...(config.resumeSandboxId === undefined ? {} : { resume: { sandboxId: config.resumeSandboxId } }),
    },
    deps,
  );
  let patchFile: string | undefined;
  try {
    patchFile = await savePatch(outcome, config.patchDir);
  } catch (error) {
    environment.stderr.write(`handoff: could not save the agent's changes in ${config.patchDir}: ${String(error)}\n`);
  }
  printResult(environment, config.json, outcome, patchFile);
  if (outcome.status === 'opened') return EXIT.opened;
  return outcome.kind === 'cancelled' ? EXIT.interrupted : EXIT.failed;
}

/** Warnings and errors to stderr, with every secret masked; info is dropped (progress says it). */
function stderrLogger(streams: CliStreams, secrets: string[]): Logger {
  const write = (level: string, message: string) => {
    streams.stderr.write(`handoff: ${level}: ${redact(message, secrets)}\n`);
  };
  return {
    info: () => undefined,
    warn: (message) => {
      write('warning', message);
    },
    error: (message) => {
      write('error', message);
    },
  };
}

/** The process entry. */
export function main(): void {
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('handoff: cancelling (press Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  runCli({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    stdout: process.stdout,
    stderr: process.stderr,
  })
    .then((status) => {
      process.exitCode = status;
    })
    .catch((error: unknown) => {
      process.stderr.write(`handoff: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    });
}
