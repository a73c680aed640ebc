// Runs VS Code (code-server, in the browser) with the Handoff extension installed and pointed at a
// runtime-api, for `npm start`. Everything it keeps lives under $XDG_DATA_HOME/handoff/vscode
// (extensions, user data) and $XDG_CONFIG_HOME/handoff (the password); it listens on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.join(process.env.XDG_DATA_HOME ?? path.join(homedir(), '.local/share'), 'handoff/vscode');
const configDir = path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'handoff');
const passwordFile = path.join(configDir, 'code-server-password');
const LISTENING = /HTTP server listening on (http:\/\/\S+)/;

/** Installs (or reuses) code-server with its Node 24; returns both paths. */
function ensureCodeServer() {
  console.error('Installing (or reusing) code-server: bash scripts/vscode/ensure-code-server.sh');
  const out = execFileSync('bash', [path.join(root, 'scripts/vscode/ensure-code-server.sh')], {
    encoding: 'utf8',
    env: { ...process.env, HANDOFF_SKIP_BROWSER: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [node, entry] = out.trim().split('\n').slice(-2);
  return { node, entry };
}

/** Copies the built extension into the extensions folder, replacing an older copy. */
function installExtension(extensionsDir) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'extension/package.json'), 'utf8'));
  if (!existsSync(path.join(root, 'extension/dist/extension.cjs')))
    throw new Error('extension/dist is missing: run "npm run build" first.');
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'dist', 'media', 'README.md', 'LICENSE'])
    if (existsSync(path.join(root, 'extension', entry)))
      cpSync(path.join(root, 'extension', entry), path.join(target, entry), { recursive: true });
}

/** Merges Handoff's settings into the user settings (the user's own ones stay). */
function writeSettings(userDataDir, runtimeApiUrl) {
  const file = path.join(userDataDir, 'User/settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  let settings = {};
  try {
    settings = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // No settings yet (or not plain JSON): start from Handoff's.
  }
  settings['handoff.runtimeApiUrl'] = runtimeApiUrl;
  settings['workbench.startupEditor'] ??= 'none';
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

function loadOrCreatePassword() {
  if (existsSync(passwordFile)) return readFileSync(passwordFile, 'utf8').trim();
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return password;
}

/**
 * Starts code-server in its own process group; resolves with `{ url, child, passwordFile }` once it
 * listens. `runtimeApiKey` reaches the extension through the environment (never settings.json).
 */
export async function startCodeServer({ runtimeApiUrl, runtimeApiKey, folder, port }) {
  const { node, entry } = ensureCodeServer();
  const extensionsDir = path.join(dataDir, 'extensions');
  const userDataDir = path.join(dataDir, 'user-data');
  installExtension(extensionsDir);
  writeSettings(userDataDir, runtimeApiUrl);
  const child = spawn(
    node,
    [
      entry,
      `--bind-addr=127.0.0.1:${port}`,
      '--auth=password',
      '--disable-telemetry',
      '--disable-update-check',
      `--user-data-dir=${userDataDir}`,
      `--extensions-dir=${extensionsDir}`,
      folder,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PASSWORD: loadOrCreatePassword(),
        HANDOFF_RUNTIME_API_KEY: runtimeApiKey,
        PATH: `${path.dirname(node)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      },
    },
  );
  const url = await new Promise((resolve, reject) => {
    let log = '';
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => {
        log = `${log}${line}\n`.slice(-5000);
        const match = LISTENING.exec(line);
        if (match) resolve(match[1].replace(/\/+$/, ""));
      });
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}) before it listened:\n${log}`)));
  });
  return { url, child, passwordFile };
}
