// `npm start`: runs runtime-api on 127.0.0.1 (the embedded process provider, or Docker with
// HANDOFF_PROVIDER=docker, building the sandbox image first when needed) and VS Code in the browser
// (code-server, installed on first use) with the Handoff extension installed and connected, then
// prints the URL to open. The key is kept in ~/.config/handoff/runtime-api-key (0600).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from './vscode/start-code-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configDir = path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'handoff');
const keyFile = path.join(configDir, 'runtime-api-key');

function loadOrCreateKey() {
  if (process.env.HANDOFF_RUNTIME_API_KEY) return process.env.HANDOFF_RUNTIME_API_KEY;
  if (existsSync(keyFile)) return readFileSync(keyFile, 'utf8').trim();
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return key;
}

const provider = process.env.HANDOFF_PROVIDER ?? 'process';

/** The sandbox image for the docker provider: HANDOFF_SANDBOX_IMAGE, else build (or reuse) ours. */
function sandboxImage() {
  if (process.env.HANDOFF_SANDBOX_IMAGE) return process.env.HANDOFF_SANDBOX_IMAGE;
  console.error('Building (or reusing) the sandbox image: node scripts/docker/build-image.mjs');
  const out = execFileSync(process.execPath, [path.join(root, 'scripts/docker/build-image.mjs')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)).image;
}

const runtimeApiKey = loadOrCreateKey();
const withVscode = process.env.HANDOFF_NO_VSCODE !== '1';
const child = spawn(process.execPath, [path.join(root, 'runtime-api/dist/main.js')], {
  env: {
    ...process.env,
    HANDOFF_RUNTIME_API_KEY: runtimeApiKey,
    HANDOFF_PROVIDER: provider,
    ...(provider === 'docker' ? { HANDOFF_SANDBOX_IMAGE: sandboxImage() } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let vscode;
createInterface({ input: child.stdout }).once('line', (line) => {
  const { port } = JSON.parse(line);
  const url = `http://127.0.0.1:${port}`;
  const what =
    provider === 'docker'
      ? 'docker provider: each sandbox is a pair of hardened containers'
      : 'process provider: sandboxes are local processes, NOT isolated';
  const stopping =
    provider === 'docker'
      ? 'Ctrl+C stops runtime-api (and VS Code); sandboxes stay and the next start takes them back.'
      : 'Ctrl+C stops runtime-api (and VS Code) and every sandbox it started.';
  if (!withVscode) {
    console.log(`
Handoff runtime API is running at ${url} (${what}).

Use it from your VS Code: install the extension (npm run package → extension/handoff-vscode-*.vsix),
set handoff.runtimeApiUrl = ${url}, run "Handoff: Set Runtime API Key" with the key in ${keyFile},
and "Handoff: Set LLM API Key" with your provider's key.

${stopping}`);
    return;
  }
  const folder = process.env.HANDOFF_WORKSPACE_FOLDER ?? process.env.INIT_CWD ?? process.cwd();
  startCodeServer({
    runtimeApiUrl: url,
    runtimeApiKey,
    folder,
    port: Number(process.env.HANDOFF_VSCODE_PORT ?? 8080),
  }).then(
    (started) => {
      vscode = started.child;
      console.log(`
Handoff is running:
  VS Code with Handoff   ${started.url}/?folder=${encodeURIComponent(folder)}
                         password: the line in ${started.passwordFile}
  runtime API            ${url} (${what})

In VS Code: click the Handoff icon in the activity bar, run "Handoff: Set LLM API Key" (and set
handoff.model / handoff.llmBaseUrl for your provider), then type a task. The runtime API key is
passed to that VS Code for you (it is in ${keyFile}).
Without the browser VS Code: HANDOFF_NO_VSCODE=1 npm start.

${stopping}`);
    },
    (error) => {
      console.error(`VS Code (code-server) could not be started: ${error.message}`);
      console.error(`The runtime API still runs at ${url}. Use HANDOFF_NO_VSCODE=1 npm start to skip VS Code.`);
    },
  );
});
const stopVscode = () => {
  if (vscode?.pid !== undefined && vscode.exitCode === null) {
    try {
      process.kill(-vscode.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
};
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopVscode();
    child.kill('SIGTERM');
  });
child.on('exit', (code) => {
  stopVscode();
  process.exit(code ?? 1);
});
