/**
 * `handoff solve` with hardened Docker sandboxes: the clone runs in the tools container, the
 * push in the agent container (another user, the workspace read-only, its own PID namespace),
 * both reaching the git server on this machine through a relay on the egress network. The
 * scripted agent searches its whole sandbox, every process's environment included, for the
 * token while it works: nothing turns up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay } from '../docker/bridge-relay';
import { networkGateway, startDockerRuntime, startSandboxLlm, type DockerRuntime, type SandboxLlm } from '../docker/docker-runtime';
import { injectedImage } from '../docker/provided';
import { TOKENS, fixingScript, readBranchFile, runSolveCli, runningSandboxes, startSolveWorld, type SolveWorld } from './solve-harness';

const BRANCH = 'handoff/issue-1-sum-ignores-the-last-number-in-the-array';
/** Looks for the token's prefix in every file and every process environment the agent can read. */
const SEARCH =
  'grep -rIl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -e ghp_ / 2>/dev/null | head -5; ' +
  'cat /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n" | grep -c ghp_; echo searched';

describe('handoff solve with Docker sandboxes', () => {
  let runtime: DockerRuntime;
  let world: SolveWorld;
  let llm: SandboxLlm | undefined;

  beforeAll(async () => {
    runtime = await startDockerRuntime({ image: injectedImage(), env: { HANDOFF_WARM_POOL_SIZE: '1' } });
    world = await startSolveWorld({
      runtime: { url: runtime.url, apiKey: runtime.apiKey, log: () => runtime.service.stderr() },
      sandboxGitUrl: async (git) => startRelay(await networkGateway('handoff-egress'), Number(new URL(git.url).port)),
    });
  }, 180_000);

  afterAll(async () => {
    await llm?.close();
    await world.close();
    await runtime.close();
  });

  it('clones, fixes, pushes from the agent container and opens the draft pull request', async () => {
    llm = await startSandboxLlm(
      fixingScript(world.fixture, [
        { toolCalls: [{ name: 'execute_bash', arguments: { command: SEARCH, security_risk: 'LOW', timeout: 120 } }] },
      ]),
    );
    const run = await runSolveCli({ world, llm: llm.server, llmBaseUrl: llm.baseUrl, args: ['solve', 'acme/sum-lib#1'] });

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ status: 'opened', branch: BRANCH, pullRequest: { draft: true } });
    expect((await readBranchFile(world, BRANCH, 'src/sum.js')).content).toContain(world.fixture.fix.newStr);
    expect(world.github.pulls('acme/sum-lib')[0]).toMatchObject({ head: BRANCH, draft: true });

    // The search really ran, found no file and no environment with the token, and nothing was masked.
    const seen = JSON.stringify(llm.server.requests.map((r) => r.body));
    expect(seen).toMatch(/\\n0\\nsearched/);
    expect(seen).not.toContain('<secret-hidden>');
    for (const place of [seen, run.stdout, runtime.service.stderr()]) expect(place).not.toContain(TOKENS.alice);
    expect(await runningSandboxes(world)).toEqual([]);
  }, 240_000);
});
