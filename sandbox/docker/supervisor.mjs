/**
 * @module The sandbox image's entrypoint (under tini, which is PID 1): starts the action server
 * (root, so it can run commands as the unprivileged `handoff`) and the agent server (as
 * `handoff-agent`, no new privileges), each with only the variables it needs; prints one ready
 * line once both are up; forwards SIGTERM/SIGINT to both; and when either dies, stops the other
 * and exits non-zero so Docker sees the failure. Logs are JSON lines on stderr.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const APP = '/opt/handoff';
const ACTION_PORT = 8001;
const AGENT_PORT = 8000;
const COMMAND_USER = 'handoff';
const AGENT_USER = 'handoff-agent';
/** How long a service may take to print its ready line. */
const READY_TIMEOUT_MS = 60_000;
/** How long services get to stop after SIGTERM before they are killed. */
const STOP_GRACE_MS = 10_000;
const EXIT_BAD_CONFIG = 2;

function log(level, msg, fields = {}) {
  const line = { time: new Date().toISOString(), level, msg, service: 'supervisor', ...fields };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/** The container's variables minus Handoff's own: what both services may inherit (TZ, proxies, …). */
function inheritedEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HANDOFF_')));
}

function readConfig() {
  const sessionApiKey = process.env.HANDOFF_SESSION_API_KEY ?? '';
  if (sessionApiKey === '') {
    log(
      'error',
      'HANDOFF_SESSION_API_KEY is required: docker run -e HANDOFF_SESSION_API_KEY=… (16+ characters).',
    );
    process.exit(EXIT_BAD_CONFIG);
  }
  return {
    sessionApiKey,
    workspace: process.env.HANDOFF_WORKSPACE ?? '/workspace',
    stateDir: process.env.HANDOFF_STATE_DIR ?? '/var/lib/handoff',
  };
}

/** The two services: how each is started and the only variables it gets. */
function services(config) {
  const common = { HANDOFF_SESSION_API_KEY: config.sessionApiKey, HANDOFF_WORKSPACE: config.workspace };
  return [
    {
      name: 'action-server',
      command: 'node',
      args: ['--enable-source-maps', `${APP}/action-server/main.js`],
      env: {
        ...inheritedEnv(),
        ...common,
        HOME: '/root',
        HANDOFF_HOST: '127.0.0.1',
        HANDOFF_PORT: String(ACTION_PORT),
        HANDOFF_COMMAND_USER: COMMAND_USER,
      },
    },
    {
      name: 'agent-server',
      command: 'setpriv',
      args: [
        `--reuid=${AGENT_USER}`,
        `--regid=${AGENT_USER}`,
        '--init-groups',
        '--no-new-privs',
        '--',
        'node',
        '--enable-source-maps',
        `${APP}/agent-server/main.js`,
      ],
      env: {
        ...inheritedEnv(),
        ...common,
        HOME: config.stateDir,
        USER: AGENT_USER,
        LOGNAME: AGENT_USER,
        HANDOFF_HOST: '0.0.0.0',
        HANDOFF_PORT: String(AGENT_PORT),
        HANDOFF_ACTION_SERVER_URL: `http://127.0.0.1:${ACTION_PORT}`,
        HANDOFF_STATE_DIR: config.stateDir,
      },
    },
  ];
}

/** Parses a ready line (`{"type":"ready","port":n}`), or returns undefined. */
function readyPort(line) {
  try {
    const value = JSON.parse(line);
    const keys = value && typeof value === 'object' ? Object.keys(value) : [];
    const ok = keys.length === 2 && value.type === 'ready' && Number.isInteger(value.port);
    return ok && value.port > 0 && value.port < 65536 ? value.port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts one service with its stderr going to ours, and resolves with its port once it prints its
 * ready line. Later stdout lines go to stderr, so the supervisor's stdout stays one line.
 */
function start(service, onExit) {
  const child = spawn(service.command, service.args, {
    env: service.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const running = { name: service.name, child, exited: false };
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${service.name} printed no ready line within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    let first = true;
    lines.on('line', (line) => {
      if (!first) {
        process.stderr.write(`${line}\n`);
        return;
      }
      first = false;
      clearTimeout(timer);
      const port = readyPort(line);
      if (port === undefined) reject(new Error(`${service.name}'s first stdout line is not a ready line`));
      else resolve(port);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${service.name} could not be started: ${error.message}`));
      // A process that never started emits no 'exit'; count it as one that failed.
      if (child.pid === undefined) {
        running.exited = true;
        onExit(running, 1, null);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.exited = true;
      reject(new Error(`${service.name} exited (${signal ?? `code ${code}`}) before it was ready`));
      onExit(running, code, signal);
    });
  });
  return { running, ready };
}

function createSupervisor() {
  const all = [];
  let stopping = false;
  let exitCode = 0;

  const finishIfDone = () => {
    if (stopping && all.every((s) => s.exited)) process.exit(exitCode);
  };
  const stopAll = (reason, code) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log(code === 0 ? 'info' : 'error', `stopping the sandbox: ${reason}`);
    for (const s of all) if (!s.exited) s.child.kill('SIGTERM');
    setTimeout(() => {
      for (const s of all) if (!s.exited) s.child.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
    finishIfDone();
  };
  const onExit = (running, code, signal) => {
    log(stopping ? 'info' : 'error', `${running.name} exited`, { code, signal });
    stopAll(`${running.name} exited`, code === 0 || code === null ? 1 : code);
    finishIfDone();
  };
  return {
    startService: (service) => {
      const started = start(service, onExit);
      all.push(started.running);
      return started.ready;
    },
    stopAll,
    get stopping() {
      return stopping;
    },
  };
}

async function main() {
  const config = readConfig();
  const supervisor = createSupervisor();
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      supervisor.stopAll(signal, 0);
    });
  }
  const [actionServer, agentServer] = services(config);
  try {
    const actionPort = await supervisor.startService(actionServer);
    log('info', 'action server ready', { port: actionPort });
    if (supervisor.stopping) return;
    const agentPort = await supervisor.startService(agentServer);
    log('info', 'agent server ready', { port: agentPort });
    process.stdout.write(`${JSON.stringify({ type: 'ready', port: agentPort })}\n`);
  } catch (error) {
    supervisor.stopAll(error instanceof Error ? error.message : String(error), 1);
  }
}

await main();
