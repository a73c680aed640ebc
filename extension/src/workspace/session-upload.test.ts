import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SandboxInfo, StartSandboxRequest } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatusChange } from '../agent/agent-connection';
import { SessionService } from '../agent/session-service';
import type { SessionConfig, UploadedWorkspace } from '../agent/session-service';
import { silentLogger } from '../common/logger';
import {
  FakeAgentHttpClient,
  FakeEventStream,
  FakeRuntimeClient,
  aSessionConfig,
} from '../testing/fake-clients';
import { FakeWorkspaceHost } from '../testing/fake-workspace-host';
import { TarUploadServer } from '../testing/tar-upload-server';
import { NO_FOLDER_MESSAGE, UNTRUSTED_UPLOAD_MESSAGE, UPLOAD_CANCELLED_MESSAGE } from './session-upload';

const KEY = 'session-upload-key';

/** Hands out sandboxes whose agent server is the test's upload server. */
class UploadingRuntime extends FakeRuntimeClient {
  constructor(private readonly agentServerUrl: () => string) {
    super();
  }

  override async start(request: StartSandboxRequest = {}): Promise<SandboxInfo> {
    const sandbox = {
      ...(await super.start(request)),
      agentServerUrl: this.agentServerUrl(),
      sessionApiKey: KEY,
    };
    this.sandboxes.set(sandbox.id, sandbox);
    return sandbox;
  }
}

let dir: string;
let root: string;
let server: TarUploadServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'session-upload-'));
  root = path.join(dir, 'project');
  await mkdir(root);
  await writeFile(path.join(root, 'main.py'), 'print("hi")\n');
  server = await TarUploadServer.start(path.join(dir, 'sandbox'), KEY);
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function setup(host: FakeWorkspaceHost, config: Partial<SessionConfig> = {}) {
  const runtime = new UploadingRuntime(() => server.url);
  const agent = new FakeAgentHttpClient();
  const session = new SessionService({
    readConfig: () => Promise.resolve(aSessionConfig(config)),
    createRuntimeClient: () => runtime,
    createAgentClient: () => agent,
    createEventStream: () => new FakeEventStream(),
    logger: silentLogger,
    workspace: host,
  });
  const statuses: ConnectionStatusChange[] = [];
  const uploads: { upload: UploadedWorkspace; conversationsBefore: number }[] = [];
  session.onDidChangeStatus((status) => statuses.push(status));
  session.onDidUploadWorkspace((upload) =>
    uploads.push({ upload, conversationsBefore: agent.created.length }),
  );
  return { session, runtime, agent, statuses, uploads };
}

describe('SessionService with a workspace', () => {
  it('uploads the trusted folder after leasing and before creating the conversation', async () => {
    const host = new FakeWorkspaceHost(root);
    const { session, agent, uploads } = setup(host);
    await session.start('go');
    expect(await readFile(path.join(dir, 'sandbox', 'main.py'), 'utf8')).toBe('print("hi")\n');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.conversationsBefore).toBe(0);
    expect(agent.created).toHaveLength(1);
    const manifest = session.uploadManifest();
    expect(manifest?.sandbox.agentServerUrl).toBe(server.url);
    expect([...(manifest?.files.keys() ?? [])]).toEqual(['main.py']);
    expect(host.notifications.map((n) => n.title)).toEqual(['Handoff: uploading the workspace']);
    const added = host.notifications[0]?.reports.reduce((sum, r) => sum + r.increment, 0) ?? 0;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThanOrEqual(100);
    await session.reset();
    expect(session.uploadManifest()).toBeUndefined();
  });

  it('fails the start over the limit with the clear message, and gives the sandbox back', async () => {
    await writeFile(path.join(root, 'big.bin'), Buffer.alloc(2 * 1024 * 1024));
    const { session, runtime, agent, statuses } = setup(new FakeWorkspaceHost(root), { maxUploadMb: 1 });
    await expect(session.start('go')).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(statuses.at(-1)?.message).toMatch(/more than the upload limit of 1\.0 MB.*handoff\.maxUploadMb/);
    expect(runtime.stopped).toEqual(['sbx-1']);
    expect(agent.created).toEqual([]);
    expect(server.received).toEqual([]);
  });

  it('gives the sandbox back when the user cancels the upload', async () => {
    const host = new FakeWorkspaceHost(root);
    host.cancel = true;
    const { session, runtime, agent } = setup(host);
    await expect(session.start('go')).rejects.toThrow(UPLOAD_CANCELLED_MESSAGE);
    expect(runtime.stopped).toEqual(['sbx-1']);
    expect(agent.created).toEqual([]);
  });

  it('starts without uploading in Restricted Mode or without a folder, and says so', async () => {
    for (const [host, message] of [
      [new FakeWorkspaceHost(root, false), UNTRUSTED_UPLOAD_MESSAGE],
      [new FakeWorkspaceHost(undefined), NO_FOLDER_MESSAGE],
    ] as const) {
      const { session, agent, statuses, uploads } = setup(host);
      await session.start('go');
      expect(agent.created).toHaveLength(1);
      expect(statuses).toContainEqual({ status: 'starting_sandbox', message });
      expect(uploads).toEqual([]);
      expect(session.uploadManifest()).toBeUndefined();
      expect(host.notifications).toEqual([]);
    }
    expect(server.received).toEqual([]);
  });
});
