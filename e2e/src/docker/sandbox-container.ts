import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ReadyLineSchema, SandboxInfoSchema, type SandboxInfo } from '@handoff/protocol';
import { docker, dockerOk, TEST_LABEL } from './docker-cli';

/** The agent server's port inside the image (sandbox/docker/supervisor.mjs). */
export const AGENT_PORT = 8000;
const READY_TIMEOUT_MS = 60_000;

/** A running sandbox container with its agent server published on a loopback port. */
export interface SandboxContainer {
  readonly id: string;
  /** The session key it was started with. */
  readonly sessionApiKey: string;
  /** The agent server's URL on this machine. */
  readonly agentServerUrl: string;
  /** What the e2e clients need to talk to it. */
  readonly info: SandboxInfo;
  /** Its output so far: stdout (the ready line) and stderr (the services' logs). */
  logs(): Promise<{ stdout: string; stderr: string }>;
  /** Runs a command in it as `user` (root by default), bypassing the services. */
  exec(command: string, user?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Resolves with its exit code once it has stopped. */
  wait(): Promise<number>;
  /** Removes it, running or not. */
  remove(): Promise<void>;
}

/** A session key as runtime-api would make one. */
export function newSessionKey(): string {
  return randomBytes(24).toString('base64url');
}

/** Parses a ready line; undefined when `line` is anything else. */
function readyPort(line: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const ready = ReadyLineSchema.safeParse(value);
  return ready.success ? ready.data.port : undefined;
}

/**
 * Waits for the container's first stdout line, which must be the ready line, by following its
 * logs (no polling); fails with its logs when it stops first or stays silent too long.
 */
async function readReadyLine(id: string): Promise<number> {
  const follower = spawn('docker', ['logs', '--follow', id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  follower.stderr
    .setEncoding('utf8')
    .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const lines = createInterface({ input: follower.stdout });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `Container ${id} printed no ready line within ${String(READY_TIMEOUT_MS)} ms:\n${stderr}`,
          ),
        );
      }, READY_TIMEOUT_MS);
      lines.once('line', (line) => {
        const port = readyPort(line);
        if (port === undefined)
          reject(new Error(`Container ${id}'s first stdout line is not the ready line: ${line}`));
        else resolve(port);
      });
      follower.once('close', () => {
        reject(new Error(`Container ${id} stopped before it was ready:\n${stderr}`));
      });
    });
  } finally {
    clearTimeout(timer);
    lines.close();
    follower.kill();
  }
}

/** The loopback port Docker published the agent server's port on. */
async function publishedPort(id: string): Promise<number> {
  const mapping = await dockerOk(['port', id, `${String(AGENT_PORT)}/tcp`]);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(mapping)?.[1]);
  if (!Number.isInteger(port) || port === 0) throw new Error(`Unexpected port mapping: ${mapping}`);
  return port;
}

/** Creates the handle for a started container. */
function handle(id: string, sessionApiKey: string, port: number): SandboxContainer {
  const agentServerUrl = `http://127.0.0.1:${String(port)}`;
  return {
    id,
    sessionApiKey,
    agentServerUrl,
    info: SandboxInfoSchema.parse({
      id,
      status: 'running',
      agentServerUrl,
      sessionApiKey,
      provider: 'docker',
      labels: {},
      createdAt: new Date().toISOString(),
    }),
    logs: async () => {
      const result = await docker(['logs', id]);
      return { stdout: result.stdout, stderr: result.stderr };
    },
    exec: (command, user = 'root') => docker(['exec', '--user', user, id, 'sh', '-c', command]),
    wait: async () => Number(await dockerOk(['wait', id], { timeoutMs: 60_000 })),
    remove: async () => {
      await docker(['rm', '--force', '--volumes', id]);
    },
  };
}

/**
 * Starts the image with a fresh session key, its agent server published on a random loopback
 * port, and waits for its ready line. The key reaches `docker run` through the environment, never
 * its command line. On failure the container is removed before the error is thrown.
 */
export async function startSandboxContainer(
  image: string,
  options: { sessionApiKey?: string; extraArgs?: readonly string[] } = {},
): Promise<SandboxContainer> {
  const sessionApiKey = options.sessionApiKey ?? newSessionKey();
  const id = await dockerOk(
    [
      'run',
      '--detach',
      '--label',
      TEST_LABEL,
      '--publish',
      `127.0.0.1::${String(AGENT_PORT)}`,
      '--env',
      'HANDOFF_SESSION_API_KEY',
      ...(options.extraArgs ?? []),
      image,
    ],
    { env: { HANDOFF_SESSION_API_KEY: sessionApiKey } },
  );
  try {
    const readyPort = await readReadyLine(id);
    if (readyPort !== AGENT_PORT)
      throw new Error(`The ready line names port ${String(readyPort)}, not ${String(AGENT_PORT)}`);
    return handle(id, sessionApiKey, await publishedPort(id));
  } catch (error) {
    await docker(['rm', '--force', '--volumes', id]);
    throw error;
  }
}
