/**
 * @module The docker provider's sandbox as two hardened containers of the one image: "tools"
 * (uid 1000, the action server, owns the network namespace) and "agent" (uid 1001, the agent
 * server, on the tools container's network), both with every capability dropped,
 * no-new-privileges, a read-only root and a tmpfs /tmp, state in named volumes. Started with the
 * plain docker CLI exactly as runtime-api starts them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import {
  SESSION_API_KEY_HEADER,
  SandboxActivitySchema,
  SetEnvironmentResponseSchema,
} from '@handoff/protocol';
import type { Event } from '@handoff/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer } from '../../../agent-server/src/testing/scripted-llm-server';
import { runConversation } from '../clients';
import { runThenFinish } from '../scripts';
import { startBridgeRelay } from './bridge-relay';
import { docker, dockerOk, TEST_LABEL } from './docker-cli';
import { injectedImage } from './provided';

const HARDENED = [
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--read-only',
  '--tmpfs',
  '/tmp',
];

/** Two started containers and their volumes. */
interface SplitSandbox {
  tools: string;
  agent: string;
  volumes: { workspace: string; home: string; state: string };
  sessionApiKey: string;
  actionKey: string;
  agentServerUrl: string;
  /** Each container's first stdout line. */
  readyLines: { tools: string; agent: string };
}

const created: { containers: string[]; volumes: string[] } = { containers: [], volumes: [] };
let sandbox: SplitSandbox;
let image: string;

function key(): string {
  return randomBytes(24).toString('base64url');
}

/** The first line a container writes to stdout, followed with `docker logs --follow` (no polling). */
function firstStdoutLine(id: string): Promise<string> {
  const follower = spawn('docker', ['logs', '--follow', id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  follower.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: follower.stdout });
  return new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    follower.once('close', () => {
      reject(new Error(`Container ${id} stopped before its first stdout line:\n${stderr}`));
    });
  }).finally(() => {
    lines.close();
    follower.kill();
  });
}

async function createVolume(role: string): Promise<string> {
  const name = await dockerOk([
    'volume',
    'create',
    '--label',
    TEST_LABEL,
    `handoff-split-${role}-${key().slice(0, 8)}`,
  ]);
  created.volumes.push(name);
  return name;
}

async function createContainer(args: string[]): Promise<string> {
  const id = await dockerOk(['create', '--label', TEST_LABEL, ...HARDENED, ...args]);
  created.containers.push(id);
  return id;
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
}

async function startSplitSandbox(image: string): Promise<SplitSandbox> {
  const volumes = {
    workspace: await createVolume('ws'),
    home: await createVolume('home'),
    state: await createVolume('state'),
  };
  const sessionApiKey = key();
  const actionKey = key();
  const entrypoint = ['--entrypoint', '/usr/bin/tini', image, '--', 'node'];
  const tools = await createContainer([
    ...['--user', '1000:1000', '--publish', '127.0.0.1::8000'],
    ...['--volume', `${volumes.workspace}:/workspace`, '--volume', `${volumes.home}:/home/handoff`],
    ...envArgs({
      HANDOFF_HOST: '127.0.0.1',
      HANDOFF_PORT: '8001',
      HANDOFF_WORKSPACE: '/workspace',
      HANDOFF_SESSION_API_KEY: actionKey,
      HOME: '/home/handoff',
    }),
    ...entrypoint,
    '/opt/handoff/action-server/main.js',
  ]);
  const agent = await createContainer([
    ...['--user', '1001:1001', '--network', `container:${tools}`],
    // The agent server reads the repository's AGENTS.md and microagents: the workspace, read-only.
    ...['--volume', `${volumes.state}:/var/lib/handoff`, '--volume', `${volumes.workspace}:/workspace:ro`],
    ...envArgs({
      HANDOFF_HOST: '0.0.0.0',
      HANDOFF_PORT: '8000',
      HANDOFF_SESSION_API_KEY: sessionApiKey,
      HANDOFF_ACTION_SERVER_API_KEY: actionKey,
      HANDOFF_ACTION_SERVER_URL: 'http://127.0.0.1:8001',
      HANDOFF_STATE_DIR: '/var/lib/handoff',
      HANDOFF_WORKSPACE: '/workspace',
      HOME: '/var/lib/handoff',
    }),
    ...entrypoint,
    '/opt/handoff/agent-server/main.js',
  ]);
  await dockerOk(['start', tools]);
  const toolsReady = await firstStdoutLine(tools);
  await dockerOk(['start', agent]);
  const agentReady = await firstStdoutLine(agent);
  const mapping = await dockerOk(['port', tools, '8000/tcp']);
  const port = /127\.0\.0\.1:(\d+)/.exec(mapping)?.[1];
  if (port === undefined) throw new Error(`Unexpected port mapping: ${mapping}`);
  return {
    tools,
    agent,
    volumes,
    sessionApiKey,
    actionKey,
    agentServerUrl: `http://127.0.0.1:${port}`,
    readyLines: { tools: toolsReady, agent: agentReady },
  };
}

/** Runs `command` through the action server, from the agent container (its network). */
async function runInTools(command: string): Promise<{ exitCode: number; output: string }> {
  const script = `
    const response = await fetch('http://127.0.0.1:8001/execute_action', {
      method: 'POST',
      headers: { 'content-type': 'application/json', '${SESSION_API_KEY_HEADER}': process.env.ACTION_KEY },
      body: JSON.stringify({ action: { type: 'run_command', command: process.env.COMMAND } }),
    });
    process.stdout.write(JSON.stringify((await response.json()).observation));`;
  const env = { ACTION_KEY: sandbox.actionKey, COMMAND: command };
  const stdout = await dockerOk(
    [
      'exec',
      '--env',
      'ACTION_KEY',
      '--env',
      'COMMAND',
      sandbox.agent,
      'node',
      '--input-type=module',
      '-e',
      script,
    ],
    { env },
  );
  return JSON.parse(stdout) as { exitCode: number; output: string };
}

function agentRequest(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.agentServerUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: sandbox.sessionApiKey },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  image = injectedImage();
  sandbox = await startSplitSandbox(image);
}, 120_000);

afterAll(async () => {
  if (created.containers.length > 0) await docker(['rm', '--force', ...created.containers]);
  if (created.volumes.length > 0) await docker(['volume', 'rm', '--force', ...created.volumes]);
});

describe('the two-container sandbox', () => {
  it('starts both services hardened, each with its ready line first', async () => {
    expect(sandbox.readyLines).toEqual({
      tools: '{"type":"ready","port":8001}',
      agent: '{"type":"ready","port":8000}',
    });
    const inspect = (id: string) =>
      dockerOk([
        'inspect',
        '--format',
        '{{.Config.User}}|{{json .HostConfig.CapDrop}}|{{json .HostConfig.SecurityOpt}}|{{.HostConfig.ReadonlyRootfs}}|{{json .HostConfig.Tmpfs}}',
        id,
      ]);
    const hardened = '|["ALL"]|["no-new-privileges"]|true|{"/tmp":""}';
    expect(await inspect(sandbox.tools)).toBe(`1000:1000${hardened}`);
    expect(await inspect(sandbox.agent)).toBe(`1001:1001${hardened}`);
    expect((await fetch(`${sandbox.agentServerUrl}/alive`)).status).toBe(200);
  });

  it('runs commands as uid 1000, with no way to the agent state, and a read-only root', async () => {
    expect(await runInTools('echo hello; id -u; id -un')).toEqual(
      expect.objectContaining({ exitCode: 0, output: 'hello\n1000\nhandoff\n' }),
    );
    const state = await runInTools('ls /var/lib/handoff');
    expect(state.exitCode).not.toBe(0);
    expect(state.output).toContain('Permission denied');
    expect(await runInTools('ps -eo args | grep -c "[a]gent-server/main.js"')).toMatchObject({
      output: '0\n',
    });
    const root = await runInTools('touch /not-allowed');
    expect(root.exitCode).not.toBe(0);
    expect(root.output).toContain('Read-only file system');
    expect(
      await runInTools('git config --global user.name Tester && git config --global user.name'),
    ).toMatchObject({ exitCode: 0, output: 'Tester\n' });
  });

  it('keeps what commands write in /workspace in its volume', async () => {
    expect(
      await runInTools('echo kept > /workspace/kept.txt && ls -n /workspace/kept.txt | cut -d" " -f3'),
    ).toMatchObject({ exitCode: 0, output: '1000\n' });
    const read = await dockerOk([
      'run',
      '--rm',
      '--label',
      TEST_LABEL,
      '--volume',
      `${sandbox.volumes.workspace}:/workspace:ro`,
      '--entrypoint',
      'cat',
      image,
      '/workspace/kept.txt',
    ]);
    expect(read).toBe('kept');
  });

  it('gives commands the claim-time environment, and reports activity', async () => {
    const secret = `claim-${key()}`;
    const put = await agentRequest('PUT', '/api/sandbox/environment', {
      environment: { CLAIM_SECRET: secret },
    });
    expect(put.status).toBe(200);
    expect(SetEnvironmentResponseSchema.parse(await put.json())).toEqual({ names: ['CLAIM_SECRET'] });
    expect(await runInTools('echo "$CLAIM_SECRET"')).toMatchObject({ output: `${secret}\n` });

    const llm = await startScriptedLlmServer(runThenFinish('echo "hello $CLAIM_SECRET"; id -u'));
    const relay = await startBridgeRelay(sandbox.tools, Number(new URL(llm.url).port));
    try {
      const { stream } = await runConversation(
        { agentServerUrl: sandbox.agentServerUrl, sessionApiKey: sandbox.sessionApiKey },
        {
          llm: { model: 'openai/gpt-4o', apiKey: 'sk-split-e2e-key-0123456789', baseUrl: `${relay.url}/v1` },
          initialMessage: 'say hello',
        },
      );
      expect(commandOutput(stream.events)).toBe(`hello ${secret}\n1000\n`);
    } finally {
      await relay.close();
      await llm.close();
    }
    const activity = async () =>
      SandboxActivitySchema.parse(await (await agentRequest('GET', '/api/sandbox/activity')).json());
    expect((await activity()).runningConversations).toBe(0);
    // The conversation's socket is closed by then; the server sees the close a moment later.
    await expect.poll(async () => (await activity()).connections).toBe(0);
    const logs = await docker(['logs', sandbox.agent]);
    expect(logs.stdout + logs.stderr).not.toContain(secret);
    const toolsLogs = await docker(['logs', sandbox.tools]);
    expect(toolsLogs.stdout + toolsLogs.stderr).not.toContain(secret);
  });
});

function commandOutput(events: Event[]): string {
  const observation = events.find((e) => e.type === 'observation');
  if (observation?.type !== 'observation' || observation.observation.type !== 'run_command') {
    throw new Error(`No run_command observation in ${JSON.stringify(events.map((e) => e.type))}`);
  }
  return observation.observation.output;
}
