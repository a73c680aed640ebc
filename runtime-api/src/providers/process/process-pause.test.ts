import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeApiError } from '../../errors';
import { FIXTURE_ENTRIES } from '../../testing/fixture-entries';
import { fixturePids, isAlive } from '../../testing/process-harness';
import { RecordingLogger } from '../../testing/recording-logger';
import { ProcessSandboxProvider } from './process-sandbox-provider';

let root: string;
let provider: ProcessSandboxProvider;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'handoff-process-pause-'));
});

afterEach(async () => {
  await provider.close();
  await rm(root, { recursive: true, force: true });
});

function makeProvider(agentServerEntry: string = FIXTURE_ENTRIES.readyService): ProcessSandboxProvider {
  provider = new ProcessSandboxProvider({
    sandboxRoot: path.join(root, 'sandboxes'),
    actionServerEntry: FIXTURE_ENTRIES.readyService,
    agentServerEntry,
    maxSandboxes: 2,
    startTimeoutMs: 20_000,
    inheritedEnv: { PATH: process.env['PATH'] ?? '' },
    stopGraceMs: 200,
    logger: new RecordingLogger(),
  });
  return provider;
}

async function rejection(promise: Promise<unknown>): Promise<RuntimeApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof RuntimeApiError))
    throw new Error(`expected a RuntimeApiError, got ${String(error)}`);
  return error;
}

describe('ProcessSandboxProvider pause and resume', () => {
  it('pauses with SIGSTOP and resumes with SIGCONT; the processes are the same ones', async () => {
    const info = await makeProvider().start({});
    const pids = await fixturePids(info);
    expect(await provider.pause(info.id)).toMatchObject({ id: info.id, status: 'paused' });
    expect((await provider.get(info.id))?.status).toBe('paused');
    const frozen = fetch(`${info.agentServerUrl}/alive`, { signal: AbortSignal.timeout(300) });
    await expect(frozen).rejects.toThrow(/aborted|timeout/i);
    expect(await provider.resume(info.id)).toMatchObject({ status: 'running' });
    expect(await fixturePids(info)).toEqual(pids);
  });

  it('refuses to pause a sandbox that is still starting with 409 sandbox_unavailable', async () => {
    makeProvider(FIXTURE_ENTRIES.neverReady);
    const starting = provider.start({}).catch((error: unknown) => error);
    const [info] = await provider.list();
    if (!info) throw new Error('no sandbox registered');
    const error = await rejection(provider.pause(info.id));
    expect(error).toMatchObject({ code: 'sandbox_unavailable', status: 409 });
    expect(error.message).toContain('starting');
    await provider.stop(info.id);
    await starting;
  });

  it('answers an unknown id with sandbox_not_found', async () => {
    makeProvider();
    expect((await rejection(provider.resume('sbx-nope'))).code).toBe('sandbox_not_found');
  });

  it('stops a paused sandbox (SIGCONT follows SIGTERM), with no process left', async () => {
    const info = await makeProvider().start({});
    const pids = await fixturePids(info);
    await provider.pause(info.id);
    await provider.stop(info.id);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await provider.list()).toEqual([]);
  });
});
