/**
 * @module The extension's size and start-up figures (issue 6):
 * - `extension_bundle_kb`: size of the production `extension/dist/extension.cjs` (minified, no map);
 * - `vsix_kb`: size of the `.vsix` that `npm run package` builds;
 * - `extension_activate_ms`: p50 of the `activate(context)` call alone, each sample in a fresh
 *   Node process (nothing cached), with `vscode` replaced by an inert stand-in (every API a
 *   no-op that returns a disposable) injected through `Module._resolveFilename` for this
 *   measurement only; `extension_load_activate_ms` beside it adds `require` of the bundle,
 *   which is what VS Code's "activation time" also counts. It measures our code's own work at
 *   activation (building services, registering commands, views and the status bar), not VS
 *   Code's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../e2e/src/services';
import { summarize, type Timing } from './stats';

const LOADS = 25;

/** Runs in each child: installs the stand-in `vscode`, loads the bundle, times `activate`. */
const CHILD = String.raw`
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const [bundle, storage] = process.argv.slice(2);
function inert() {
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => undefined;
      return inert();
    },
    set() { return true; },
    apply() { return inert(); },
    construct() { return inert(); },
  });
}
const uri = (fsPath) => ({ fsPath, path: fsPath, scheme: 'file', toString: () => 'file://' + fsPath });
// The bundle reads the module's own keys (esbuild's namespace import), so they are listed.
const API = ['window', 'commands', 'authentication', 'languages', 'env', 'extensions', 'l10n',
  'EventEmitter', 'Disposable', 'MarkdownString', 'ThemeIcon', 'ThemeColor', 'TreeItem',
  'TreeItemCollapsibleState', 'StatusBarAlignment', 'ProgressLocation', 'ViewColumn', 'Range',
  'Position', 'Selection', 'WorkspaceEdit', 'FileSystemError', 'FileType', 'RelativePattern',
  'CancellationTokenSource', 'ConfigurationTarget'];
const vscode = Object.fromEntries(API.map((name) => [name, inert()]));
vscode.Uri = { file: uri, joinPath: (base, ...parts) => uri([base.fsPath, ...parts].join('/')), parse: uri };
vscode.workspace = new Proxy({ isTrusted: true, workspaceFolders: undefined }, {
  get: (t, k) => (k in t ? t[k] : inert()),
});
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
const t0 = performance.now();
const extension = require(bundle);
const t1 = performance.now();
const context = {
  subscriptions: [],
  extensionUri: uri(require('node:path').dirname(require('node:path').dirname(bundle))),
  globalStorageUri: uri(storage),
  secrets: inert(),
  globalState: inert(),
  workspaceState: inert(),
};
extension.activate(context);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ load: t1 - t0, activate: t2 - t1, subscriptions: context.subscriptions.length }));
`;

interface Sample {
  load: number;
  activate: number;
  subscriptions: number;
}

/** Builds the webview, the production bundle and the .vsix (`npm run package`), then measures. */
export function benchExtension(): Record<string, { value: number; unit: string; note?: string }> {
  execFileSync('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const extensionDir = path.join(REPO_ROOT, 'extension');
  const bundle = path.join(extensionDir, 'dist/extension.cjs');
  const vsix = readdirSync(extensionDir).find((name) => name.endsWith('.vsix'));
  if (!vsix) throw new Error('npm run package produced no .vsix in extension/.');
  const work = mkdtempSync(path.join(tmpdir(), 'handoff-ext-bench-'));
  try {
    const child = path.join(work, 'activate.cjs');
    writeFileSync(child, CHILD);
    const samples: Sample[] = [];
    for (let i = 0; i < LOADS; i += 1) {
      const out = execFileSync(process.execPath, [child, bundle, path.join(work, `storage-${String(i)}`)], {
        encoding: 'utf8',
      });
      samples.push(JSON.parse(out) as Sample);
    }
    if (samples.some((sample) => sample.subscriptions === 0)) throw new Error('activate registered nothing.');
    const activate = summarize(samples.map((s) => s.activate));
    const both = summarize(samples.map((s) => s.load + s.activate));
    log('extension_activate_ms', activate);
    log('extension_load_activate_ms', both);
    return {
      extension_bundle_kb: { value: kb(statSync(bundle).size), unit: 'KB' },
      vsix_kb: { value: kb(statSync(path.join(extensionDir, vsix)).size), unit: 'KB' },
      extension_activate_ms: { value: activate.median, unit: 'ms', note: `p50 of ${String(LOADS)} fresh processes` },
      extension_activate_ms_p95: { value: activate.p95, unit: 'ms' },
      extension_load_activate_ms: { value: both.median, unit: 'ms', note: 'require of the bundle + activate' },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function kb(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}

function log(name: string, timing: Timing): void {
  console.log(
    `${name.padEnd(32)} p50    ${String(timing.median).padStart(8)} ms   p95 ${String(timing.p95).padStart(8)} ms   (n=${String(timing.samples)})`,
  );
}
