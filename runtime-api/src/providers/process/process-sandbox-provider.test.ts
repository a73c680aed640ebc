import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SandboxInfo } from '@handoff/protocol';
import { RuntimeApiError } from '../../errors';
import { FIXTURE_ENTRIES } from '../../testing/fixture-entries';
import { RecordingLogger } from '../../testing/recording-logger';
import { ProcessSandboxProvider } from './process-sandbox-provider';
import type { ProcessSandboxProviderOptions } from './process-sandbox-provider';

interface ServiceReport {
  role: string;
  pid: number;
  cwd: string;
  env: Record<string, string>;
}

let root: string;
let providers: ProcessSandboxProvider[];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'handoff-process-provider-'));
  providers = [];
});

afterEach(async () => {
  await Promise.all(providers.map((provider) => provider.close()));
  vi.unstubAllEnvs();
  await rm(root, { recursive: true, force: true });
});

function makeProvider(options: Partial<ProcessSandboxProviderOptions> = {}) {
  const logger = new RecordingLogger();
  const provider = new ProcessSandboxProvider({
    sandboxRoot: path.join(root, 'sandboxes'),
    actionServerEntry: FIXTURE_ENTRIES.readyService,
    agentServerEntry: FIXTURE_ENTRIES.readyService,
    maxSandboxes: 4,
    startTimeoutMs: 20_000,
    inheritedEnv: { PATH: process.env['PATH'] ?? '' },
    stopGraceMs: 200,
    logger,
    ...options,
  });
  providers.push(provider);
  return { provider, logger };
}

async function report(url: string): Promise<ServiceReport> {
  const response = await fetch(`${url}/env`);
  return (await response.json()) as ServiceReport;
}

/** The agent server's report and, through the URL it was given, the action server's. */
async function reports(info: SandboxInfo): Promise<{ agent: ServiceReport; action: ServiceReport }> {
  const agent = await report(info.agentServerUrl);
  const actionUrl = agent.env['HANDOFF_ACTION_SERVER_URL'];
  if (actionUrl === undefined) throw new Error('the agent server got no HANDOFF_ACTION_SERVER_URL');
  return { agent, action: await report(actionUrl) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidsIn(log: string): Promise<number[]> {
  const text = existsSync(log) ? await readFile(log, 'utf8') : '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.split(' ')[1]));
}

async function sandboxFolders(): Promise<string[]> {
  const folder = path.join(root, 'sandboxes');
  return existsSync(folder) ? readdir(folder) : [];
}

async function startError(promise: Promise<unknown>): Promise<RuntimeApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof RuntimeApiError))
    throw new Error(`expected a RuntimeApiError, got ${String(error)}`);
  return error;
}

describe('ProcessSandboxProvider', () => {
  it('starts a sandbox whose agent server is reachable and wired to its action server', async () => {
    const { provider } = makeProvider();
    const info = await provider.start({ labels: { task: 't1' } });
    expect(info).toMatchObject({ status: 'running', provider: 'process', labels: { task: 't1' } });
    expect(await (await fetch(`${info.agentServerUrl}/alive`)).json()).toEqual({ status: 'ok' });

    const { agent, action } = await reports(info);
    const folder = path.join(root, 'sandboxes', info.id);
    expect(agent.role).toBe('agent-server');
    expect(action.role).toBe('action-server');
    expect(agent.env).toMatchObject({
      HANDOFF_SESSION_API_KEY: info.sessionApiKey,
      HANDOFF_WORKSPACE: path.join(folder, 'workspace'),
      HANDOFF_STATE_DIR: path.join(folder, 'state'),
      HOME: folder,
    });
    expect(action.env['HANDOFF_SESSION_API_KEY']).toBe(info.sessionApiKey);
    expect(existsSync(path.join(folder, 'workspace'))).toBe(true);
    expect(existsSync(path.join(folder, 'state'))).toBe(true);
    expect(await provider.get(info.id)).toEqual(info);
    expect(await provider.list()).toEqual([info]);
  });

  it('gives each sandbox its own id, folder and key', async () => {
    const { provider } = makeProvider();
    const [a, b] = await Promise.all([provider.start({}), provider.start({})]);
    expect(a.id).not.toBe(b.id);
    expect(a.sessionApiKey).not.toBe(b.sessionApiKey);
    expect(a.sessionApiKey.length).toBeGreaterThanOrEqual(32);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const [ra, rb] = [await reports(a), await reports(b)];
    expect(ra.agent.env['HANDOFF_WORKSPACE']).not.toBe(rb.agent.env['HANDOFF_WORKSPACE']);
    expect((await sandboxFolders()).sort()).toEqual([a.id, b.id].sort());
  });

  it("passes the request's environment but none of runtime-api's own", async () => {
    vi.stubEnv('HANDOFF_RUNTIME_API_KEY', 'runtime-api-secret-key-do-not-leak');
    vi.stubEnv('SOME_RUNTIME_API_SETTING', 'also-private');
    const { provider } = makeProvider();
    const info = await provider.start({ environment: { FOO: 'bar' } });
    const { agent, action } = await reports(info);
    for (const service of [agent, action]) {
      expect(service.env['FOO']).toBe('bar');
      expect(service.env).not.toHaveProperty('HANDOFF_RUNTIME_API_KEY');
      expect(service.env).not.toHaveProperty('SOME_RUNTIME_API_SETTING');
      expect(Object.values(service.env)).not.toContain('runtime-api-secret-key-do-not-leak');
    }
    const allowed = [
      'PATH',
      'HOME',
      'FOO',
      'HANDOFF_SESSION_API_KEY',
      'HANDOFF_WORKSPACE',
      'HANDOFF_HOST',
      'HANDOFF_PORT',
      'HANDOFF_EXIT_WITH_LAUNCHER',
    ];
    expect(Object.keys(action.env).sort()).toEqual([...allowed].sort());
    expect(Object.keys(agent.env).sort()).toEqual(
      [...allowed, 'HANDOFF_ACTION_SERVER_URL', 'HANDOFF_STATE_DIR'].sort(),
    );
  });

  it('refuses reserved HANDOFF_* variables before starting anything', async () => {
    const { provider } = makeProvider();
    const error = await startError(provider.start({ environment: { HANDOFF_PORT: '80' } }));
    expect(error.code).toBe('invalid_request');
    expect(await provider.list()).toEqual([]);
  });

  it('stop kills both processes and removes the folder', async () => {
    const { provider } = makeProvider();
    const info = await provider.start({});
    const { agent, action } = await reports(info);
    expect(isAlive(agent.pid) && isAlive(action.pid)).toBe(true);

    await provider.stop(info.id);
    expect(isAlive(agent.pid)).toBe(false);
    expect(isAlive(action.pid)).toBe(false);
    expect(await sandboxFolders()).toEqual([]);
    expect(await provider.get(info.id)).toBeUndefined();
    expect((await startError(provider.stop(info.id))).code).toBe('sandbox_not_found');
  });

  it('fails clearly when the action server crashes, leaving nothing behind', async () => {
    const { provider } = makeProvider({ actionServerEntry: FIXTURE_ENTRIES.crashOnStart });
    const error = await startError(provider.start({}));
    expect(error.code).toBe('sandbox_start_failed');
    expect(error.message).toContain('action-server exited (exit code 1) before it was ready');
    expect(error.message).toContain('HANDOFF_WORKSPACE is not writable');
    expect(await provider.list()).toEqual([]);
    expect(await sandboxFolders()).toEqual([]);
  });

  it('kills the action server when the agent server crashes on start', async () => {
    const { provider } = makeProvider();
    const pidLog = path.join(root, 'pids.log');
    const error = await startError(
      provider.start({ environment: { FIXTURE_CRASH: 'agent-server', FIXTURE_PID_LOG: pidLog } }),
    );
    expect(error.message).toContain('agent-server exited (exit code 1)');
    expect(error.message).toContain('crashing on purpose');
    const pids = await pidsIn(pidLog);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await sandboxFolders()).toEqual([]);
  });

  it('refuses a service whose first stdout line is not the ready line', async () => {
    const { provider } = makeProvider();
    const error = await startError(provider.start({ environment: { FIXTURE_NOISE_FIRST: 'action-server' } }));
    expect(error.message).toContain('booting...');
    expect(error.message).toContain('ready line');
    expect(await sandboxFolders()).toEqual([]);
  });

  it('times out a service that never gets ready, and kills it even though it ignores SIGTERM', async () => {
    const { provider } = makeProvider({
      actionServerEntry: FIXTURE_ENTRIES.neverReady,
      startTimeoutMs: 1000,
    });
    const pidLog = path.join(root, 'pids.log');
    const error = await startError(provider.start({ environment: { FIXTURE_PID_LOG: pidLog } }));
    expect(error.code).toBe('sandbox_start_failed');
    expect(error.message).toContain('did not start within 1000 ms');
    expect(error.message).toContain('action-server never printed its ready line');
    const pids = await pidsIn(pidLog);
    expect(pids).toHaveLength(1);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await provider.list()).toEqual([]);
    expect(await sandboxFolders()).toEqual([]);
  });

  it('can stop a sandbox that is still starting', async () => {
    const { provider } = makeProvider({ actionServerEntry: FIXTURE_ENTRIES.neverReady });
    const pidLog = path.join(root, 'pids.log');
    const starting = startError(provider.start({ environment: { FIXTURE_PID_LOG: pidLog } }));
    await vi.waitFor(async () => {
      expect(await pidsIn(pidLog)).toHaveLength(1);
    });
    const [info] = await provider.list();
    expect(info?.status).toBe('starting');
    await provider.stop(info?.id ?? '');
    expect((await starting).message).toContain('stopped before it finished starting');
    expect((await pidsIn(pidLog)).filter(isAlive)).toEqual([]);
    expect(await sandboxFolders()).toEqual([]);
  });

  it('marks a sandbox `error` and kills the partner when a service dies later', async () => {
    const { provider, logger } = makeProvider();
    const info = await provider.start({});
    const { agent, action } = await reports(info);
    await fetch(`${agent.env['HANDOFF_ACTION_SERVER_URL'] ?? ''}/exit`, { method: 'POST' });
    await vi.waitFor(async () => {
      expect((await provider.get(info.id))?.status).toBe('error');
      expect(isAlive(agent.pid)).toBe(false);
    });
    expect(isAlive(action.pid)).toBe(false);
    expect(
      logger.entries.some((entry) => entry.level === 'error' && entry.fields['service'] === 'action-server'),
    ).toBe(true);
    await provider.stop(info.id);
    expect(await sandboxFolders()).toEqual([]);
  });

  it('refuses more sandboxes than the limit with pool_exhausted, counting those still starting', async () => {
    const { provider } = makeProvider({ maxSandboxes: 1 });
    const results = await Promise.allSettled([provider.start({}), provider.start({})]);
    const started = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused.map((result) => (result.reason as RuntimeApiError).code)).toEqual(['pool_exhausted']);
    await provider.stop(started[0]?.value.id ?? '');
    await expect(provider.start({})).resolves.toMatchObject({ status: 'running' });
  });

  it('close() stops every sandbox and refuses new ones', async () => {
    const { provider } = makeProvider();
    const sandboxes = await Promise.all([provider.start({}), provider.start({})]);
    const pids = (await Promise.all(sandboxes.map(reports))).flatMap(({ agent, action }) => [
      agent.pid,
      action.pid,
    ]);
    await provider.close();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await sandboxFolders()).toEqual([]);
    expect(await provider.list()).toEqual([]);
    expect((await startError(provider.start({}))).code).toBe('sandbox_unavailable');
  });

  it('says which entry is missing when a service is not built', async () => {
    const { provider } = makeProvider({ agentServerEntry: path.join(root, 'nope', 'main.js') });
    const error = await startError(provider.start({}));
    expect(error.message).toContain('agent server is not built');
    expect(await sandboxFolders()).toEqual([]);
  });

  it('forwards service stderr to the log with the sandbox id', async () => {
    const { provider, logger } = makeProvider({ actionServerEntry: FIXTURE_ENTRIES.crashOnStart });
    await startError(provider.start({}));
    const lines = logger.entries.filter((entry) => entry.message === 'sandbox output');
    expect(lines.map((entry) => entry.fields['line'])).toContain(
      'crash-on-start: HANDOFF_WORKSPACE is not writable (EACCES)',
    );
    expect(lines.every((entry) => typeof entry.fields['sandboxId'] === 'string')).toBe(true);
  });
});
