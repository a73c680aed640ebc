/**
 * @module The real parts of the git route tests: a token-protected git server with a seeded
 * repository, the real action server (bundled from the sandbox's source, run as a process) on a
 * fresh workspace, and an agent server in this process that talks to it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { RunningAgentServer, StartAgentServerOptions } from '../agent-server';
import { startAgentServer } from '../agent-server';
import { SecretRedactor, createJsonLogger } from '../logger';
import { bundleActionServer, startActionServerProcess } from './action-server-process';
import type { ActionServerProcess } from './action-server-process';
import { gitSync, startGitHttpBackend } from './git-http-backend';
import type { GitHttpBackend } from './git-http-backend';
import { inProcessConfig } from './in-process-config';

/** May clone and push. */
export const WRITE_TOKEN = 'ghs_writeToken0123456789abcdefXYZ';
/** May clone, not push. */
export const READ_TOKEN = 'ghs_readOnlyToken0123456789abcdefXYZ';
const KEY = 'git-routes-session-key-0123';
const ACTION_KEY = 'git-routes-action-key-0123';

/** What every test of a file shares: the bundle and the git server. */
export interface GitRig {
  root: string;
  bundle: string;
  backend: GitHttpBackend;
  /** The clone URL of the seeded repository `acme-widgets`. */
  repoUrl: string;
  /** Path of its bare repository. */
  repoPath: string;
  dispose(): Promise<void>;
}

/** Bundles the action server and starts the git server with `acme-widgets` (branch `main`, two commits). */
export async function createGitRig(): Promise<GitRig> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'agent-server-git-'));
  const bundle = await bundleActionServer();
  const seed = path.join(root, 'seed');
  await mkdir(path.join(seed, 'src'), { recursive: true });
  await writeFile(path.join(seed, 'README.md'), '# widgets\n');
  await writeFile(path.join(seed, 'src', 'sum.js'), 'export const sum = (a, b) => a - b;\n');
  const identity = {
    GIT_AUTHOR_NAME: 'S',
    GIT_AUTHOR_EMAIL: 's@x.io',
    GIT_COMMITTER_NAME: 'S',
    GIT_COMMITTER_EMAIL: 's@x.io',
  };
  gitSync(seed, ['init', '--quiet', '--initial-branch=main']);
  gitSync(seed, ['add', '-A']);
  gitSync(seed, ['commit', '--quiet', '-m', 'first'], identity);
  await writeFile(path.join(seed, 'README.md'), '# widgets\n\nAdds numbers.\n');
  gitSync(seed, ['commit', '--quiet', '-am', 'second'], identity);
  const repos = path.join(root, 'repos');
  const repoPath = path.join(repos, 'acme-widgets.git');
  gitSync(root, ['clone', '--quiet', '--bare', seed, repoPath]);
  gitSync(root, ['init', '--quiet', '--bare', path.join(repos, 'elsewhere.git')]);
  const backend = await startGitHttpBackend({
    root: repos,
    tokens: { [WRITE_TOKEN]: { push: true }, [READ_TOKEN]: { push: false } },
  });
  return {
    root,
    bundle: bundle.file,
    backend,
    repoUrl: backend.repoUrl('acme-widgets'),
    repoPath,
    dispose: async () => {
      await backend.close();
      await bundle.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** One test's sandbox: a fresh workspace, its action server and an agent server. */
export interface GitSandbox {
  workspace: string;
  stateDir: string;
  action: ActionServerProcess;
  agent: RunningAgentServer;
  /** Every log line of the agent server, as written. */
  logs: string[];
  /** Calls the agent server's API with the session key. */
  call(method: string, route: string, body?: unknown): Promise<Response>;
  /** Stops the agent server and starts another on the same state folder (a restart). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** Starts a sandbox; `extra` goes to `startAgentServer` (an LLM client factory, say). */
export async function startGitSandbox(
  rig: GitRig,
  extra: Partial<StartAgentServerOptions> = {},
): Promise<GitSandbox> {
  const dir = await mkdtemp(path.join(rig.root, 'sandbox-'));
  const workspace = path.join(dir, 'workspace');
  const stateDir = path.join(dir, 'state');
  await mkdir(workspace);
  const action = await startActionServerProcess({ bundle: rig.bundle, workspace, sessionApiKey: ACTION_KEY });
  const logs: string[] = [];
  const redactor = new SecretRedactor();
  const start = () =>
    startAgentServer({
      config: {
        ...inProcessConfig(KEY, stateDir, workspace),
        actionServerUrl: action.url,
        actionServerApiKey: ACTION_KEY,
      },
      logger: createJsonLogger({ write: (line) => logs.push(line), redactor }),
      redactor,
      fsync: false,
      ...extra,
    });
  const sandbox: GitSandbox = {
    workspace,
    stateDir,
    action,
    agent: await start(),
    logs,
    call: (method, route, body) =>
      fetch(`${sandbox.agent.url}${route}`, {
        method,
        headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: KEY },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    restart: async () => {
      await sandbox.agent.close();
      sandbox.agent = await start();
    },
    dispose: async () => {
      await sandbox.agent.close();
      await action.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return sandbox;
}
