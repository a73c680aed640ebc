/**
 * @module What `handoff solve` prints: progress lines for a person on stderr and the result on
 * stdout, or, with `--json`, one JSON object per line on stdout (`progress` objects, then one
 * `result`). The patch of a failed solve is saved to a file first, so the result can name it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SolveOutcome, SolveProgress } from '../solve/solve-types';

/** Where the CLI writes. */
export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Prints progress as it comes, without repeating an unchanged line. */
export function progressPrinter(streams: CliStreams, json: boolean): (progress: SolveProgress) => void {
  let last = '';
  return (progress) => {
    if (json) {
      streams.stdout.write(`${JSON.stringify({ type: 'progress', ...progressJson(progress) })}\n`);
      return;
    }
    if (progress.message === last) return;
    last = progress.message;
    streams.stderr.write(`handoff: ${progress.message}\n`);
  };
}

function progressJson(progress: SolveProgress): Record<string, unknown> {
  return {
    step: progress.step,
    message: progress.message,
    ...(progress.agentSteps === undefined ? {} : { agentSteps: progress.agentSteps }),
    ...(progress.costUsd === undefined ? {} : { costUsd: progress.costUsd }),
    ...(progress.sandbox === undefined ? {} : { sandboxId: progress.sandbox.id }),
    ...(progress.conversationId === undefined ? {} : { conversationId: progress.conversationId }),
  };
}

/** Saves a failed solve's patch as `handoff-<owner>-<repo>-issue-<n>.patch` in `dir`, atomically. */
export async function savePatch(outcome: SolveOutcome, dir: string): Promise<string | undefined> {
  if (outcome.status !== 'failed' || outcome.diff === undefined) return undefined;
  const { owner, repo, number } = outcome.target;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `handoff-${owner}-${repo}-issue-${String(number)}.patch`);
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, outcome.diff.patch, { mode: 0o600 });
  await rename(temporary, file);
  return file;
}

/** Prints the result; `patchFile` is where a failed solve's changes were saved. */
export function printResult(streams: CliStreams, json: boolean, outcome: SolveOutcome, patchFile: string | undefined): void {
  if (json) {
    streams.stdout.write(`${JSON.stringify({ type: 'result', ...resultJson(outcome, patchFile) })}\n`);
    return;
  }
  for (const notice of outcome.notices) streams.stderr.write(`handoff: note: ${notice}\n`);
  const cost = `${String(outcome.agentSteps)} agent steps, $${outcome.costUsd.toFixed(4)}`;
  if (outcome.status === 'opened') {
    streams.stdout.write(`${outcome.pullRequest.htmlUrl}\n`);
    streams.stderr.write(
      `handoff: opened draft pull request #${String(outcome.pullRequest.number)} from ${outcome.branch} (${String(outcome.files.length)} file(s); ${cost})\n`,
    );
    return;
  }
  streams.stderr.write(`handoff: no pull request: ${outcome.message}\n`);
  if (patchFile !== undefined) {
    const base = outcome.diff?.baseCommit ?? '';
    streams.stderr.write(
      `handoff: the agent's changes are saved in ${patchFile}\n` +
        `handoff: apply them in a clone of ${outcome.target.owner}/${outcome.target.repo}: git checkout ${base.slice(0, 12)} && git apply ${patchFile}\n`,
    );
  }
  if (outcome.sandboxKept && outcome.sandbox !== undefined) {
    const { owner, repo, number } = outcome.target;
    const later =
      outcome.step === 'push' && outcome.diff !== undefined
        ? `; once the token may push, publish its work with: handoff solve ${owner}/${repo}#${String(number)} --resume ${outcome.sandbox.id}`
        : ' (runtime-api pauses it when idle and removes it later; POST /stop removes it now)';
    streams.stderr.write(`handoff: sandbox ${outcome.sandbox.id} is kept${later}\n`);
  }
  streams.stderr.write(`handoff: ${cost}\n`);
}

function resultJson(outcome: SolveOutcome, patchFile: string | undefined): Record<string, unknown> {
  const common = {
    status: outcome.status,
    issue: outcome.target,
    agentSteps: outcome.agentSteps,
    costUsd: outcome.costUsd,
    modelMs: outcome.modelMs,
    timingsMs: outcome.timings,
    notices: outcome.notices,
    ...(outcome.sandbox === undefined ? {} : { sandboxId: outcome.sandbox.id, sandboxKept: outcome.sandboxKept }),
    ...(outcome.conversationId === undefined ? {} : { conversationId: outcome.conversationId }),
  };
  if (outcome.status === 'opened') {
    return {
      ...common,
      pullRequest: outcome.pullRequest,
      branch: outcome.branch,
      commit: outcome.commit,
      files: outcome.files,
      ...(outcome.issueCommentUrl === undefined ? {} : { issueCommentUrl: outcome.issueCommentUrl }),
    };
  }
  return {
    ...common,
    kind: outcome.kind,
    step: outcome.step,
    message: outcome.message,
    ...(outcome.branch === undefined ? {} : { branch: outcome.branch }),
    ...(outcome.diff === undefined
      ? {}
      : { files: outcome.diff.files, baseCommit: outcome.diff.baseCommit, patchTruncated: outcome.diff.truncated }),
    ...(patchFile === undefined ? {} : { patchFile }),
  };
}
