// `npm start`: runs runtime-api on 127.0.0.1 (the embedded process provider, or Docker with
// HANDOFF_PROVIDER=docker, building the sandbox image first when needed) and says how to connect
// the VS Code extension. The key is kept in ~/.config/handoff/runtime-api-key (0600).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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

const child = spawn(process.execPath, [path.join(root, 'runtime-api/dist/main.js')], {
  env: {
    ...process.env,
    HANDOFF_RUNTIME_API_KEY: loadOrCreateKey(),
    HANDOFF_PROVIDER: provider,
    ...(provider === 'docker' ? { HANDOFF_SANDBOX_IMAGE: sandboxImage() } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
createInterface({ input: child.stdout }).once('line', (line) => {
  const { port } = JSON.parse(line);
  const url = `http://127.0.0.1:${port}`;
  console.log(`
Handoff runtime API is running at ${url} (${
    provider === 'docker'
      ? 'docker provider: each sandbox is a pair of hardened containers'
      : 'process provider: sandboxes are local processes, NOT isolated'
  }).

Use it from VS Code:
  1. Open the extension:   code --extensionDevelopmentPath="${path.join(root, 'extension')}"
     (or open this folder in VS Code and run "Run Handoff extension" from Run and Debug).
  2. Settings: handoff.runtimeApiUrl = ${url} (the default when the port is 3000),
     handoff.model = openai/<model> (or openai-compatible/<model> with handoff.llmBaseUrl).
  3. Command palette: "Handoff: Set Runtime API Key" — paste the key from ${keyFile}
     and "Handoff: Set LLM API Key" — your provider's key.
  4. Open the Handoff view in the activity bar and type a task.

${
    provider === 'docker'
      ? 'Ctrl+C stops runtime-api; sandboxes stay and the next start takes them back.'
      : 'Ctrl+C stops runtime-api and every sandbox it started.'
  }`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
