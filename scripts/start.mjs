// `npm start`: runs runtime-api with the embedded process provider on 127.0.0.1 and says how to
// connect the VS Code extension. The key is kept in ~/.config/handoff/runtime-api-key (0600).
import { spawn } from 'node:child_process';
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

const child = spawn(process.execPath, [path.join(root, 'runtime-api/dist/main.js')], {
  env: {
    ...process.env,
    HANDOFF_RUNTIME_API_KEY: loadOrCreateKey(),
    HANDOFF_PROVIDER: process.env.HANDOFF_PROVIDER ?? 'process',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
createInterface({ input: child.stdout }).once('line', (line) => {
  const { port } = JSON.parse(line);
  const url = `http://127.0.0.1:${port}`;
  console.log(`
Handoff runtime API is running at ${url} (process provider: sandboxes are local processes, NOT isolated).

Use it from VS Code:
  1. Open the extension:   code --extensionDevelopmentPath="${path.join(root, 'extension')}"
     (or open this folder in VS Code and run "Run Handoff extension" from Run and Debug).
  2. Settings: handoff.runtimeApiUrl = ${url} (the default when the port is 3000),
     handoff.model = openai/<model> (or openai-compatible/<model> with handoff.llmBaseUrl).
  3. Command palette: "Handoff: Set Runtime API Key" — paste the key from ${keyFile}
     and "Handoff: Set LLM API Key" — your provider's key.
  4. Open the Handoff view in the activity bar and type a task.

Ctrl+C stops runtime-api and every sandbox it started.`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
