// Builds the sandbox image (sandbox/Dockerfile) as handoff/sandbox:<inputs hash> and :latest.
//   node scripts/docker/build-image.mjs
// Cached: the tag is a hash of everything that goes in (Dockerfile, bundles, supervisor, native
// dependency sources, the Node supplied, the base image's id), so an existing tag is reused as is.
// Base: $HANDOFF_BASE_IMAGE, else node:20-bookworm-slim (pulled when missing), else, with no
// registry, a debootstrap-built Debian (scripts/docker/build-base-image.sh) plus this machine's Node.
// Progress goes to stderr; the last stdout line is JSON: {image, id, sizeBytes, cached, seconds, base}.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPOSITORY = 'handoff/sandbox';
const DEFAULT_BASE = 'node:20-bookworm-slim';
/** Native add-ons the bundles keep external; they are rebuilt inside the image. */
const NATIVE_DEPENDENCIES = ['node-pty'];
/** Package folders that hold host build output or other platforms' binaries. */
const NOT_COPIED = new Set(['build', 'prebuilds']);
const BUNDLES = [
  { part: 'sandbox', to: 'action-server' },
  { part: 'agent-server', to: 'agent-server' },
];

function say(message) {
  process.stderr.write(`build-image: ${message}\n`);
}

function fail(message) {
  say(message);
  process.exit(1);
}

/** Runs docker (or another tool) and returns its trimmed stdout; throws with its stderr on failure. */
function run(command, args, options = {}) {
  return execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  }).trim();
}

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function imageExists(image) {
  return succeeds('docker', ['image', 'inspect', image]);
}

function checkEngine() {
  if (!succeeds('docker', ['info'])) {
    fail(
      'no Docker engine answers: run `bash scripts/docker/ensure-engine.sh` (or start Docker), then retry.',
    );
  }
}

function ensureBundles() {
  const missing = BUNDLES.filter(({ part }) => !existsSync(path.join(ROOT, part, 'dist/main.js')));
  if (missing.length === 0) return;
  say(`bundles missing (${missing.map((b) => b.part).join(', ')}): npm run build`);
  const built = spawnSync('npm', ['run', 'build', ...BUNDLES.flatMap((b) => ['-w', `@handoff/${b.part}`])], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (built.status !== 0) fail('npm run build failed.');
}

/** The Node major version an image runs, or 0 when it has none. */
function nodeMajorIn(image) {
  const probe = spawnSync(
    'docker',
    ['run', '--rm', '--entrypoint', 'node', image, '-p', 'process.versions.node'],
    {
      encoding: 'utf8',
    },
  );
  return probe.status === 0 ? Number(probe.stdout.trim().split('.')[0]) : 0;
}

/** Picks the base image: the one asked for, else node:20-bookworm-slim, else the debootstrap base. */
function resolveBase() {
  const wanted = process.env.HANDOFF_BASE_IMAGE ?? DEFAULT_BASE;
  if (!imageExists(wanted)) {
    say(`pulling ${wanted}`);
    if (!succeeds('docker', ['pull', '--quiet', wanted])) {
      if (process.env.HANDOFF_BASE_IMAGE !== undefined) fail(`the base image ${wanted} cannot be pulled.`);
      say(`${wanted} cannot be pulled (no registry?): using a debootstrap-built Debian bookworm`);
      const built = spawnSync('bash', [path.join(ROOT, 'scripts/docker/build-base-image.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (built.status !== 0) fail('building the debootstrap base image failed.');
      const tag = built.stdout.trim().split('\n').at(-1);
      return { image: tag, needsNode: nodeMajorIn(tag) < 20 };
    }
  }
  return { image: wanted, needsNode: nodeMajorIn(wanted) < 20 };
}

/** The lockfile entries of `names` and everything they depend on at run time. */
function dependencyClosure(names) {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const found = new Set();
  const visit = (name, from) => {
    // Node's resolution: nested under the dependent first, then hoisted.
    const candidates = [`${from}/node_modules/${name}`, `node_modules/${name}`];
    const key = candidates.find((candidate) => lock.packages[candidate] !== undefined);
    if (key === undefined) fail(`${name} is not in package-lock.json: run npm install.`);
    if (found.has(key)) return;
    found.add(key);
    const entry = lock.packages[key];
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(dep, key);
  };
  for (const name of names) visit(name, '');
  return [...found].sort();
}

function copyNative(context) {
  const sandboxDeps = JSON.parse(readFileSync(path.join(ROOT, 'sandbox/package.json'), 'utf8')).dependencies;
  const dependencies = {};
  for (const name of NATIVE_DEPENDENCIES) {
    if (sandboxDeps?.[name] === undefined) fail(`sandbox/package.json does not depend on ${name}.`);
    dependencies[name] = JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
    ).version;
  }
  const native = path.join(context, 'native');
  for (const key of dependencyClosure(NATIVE_DEPENDENCIES)) {
    const from = path.join(ROOT, key);
    cpSync(from, path.join(native, key), {
      recursive: true,
      filter: (source) => !NOT_COPIED.has(path.relative(from, source).split(path.sep)[0]),
    });
  }
  // `type: module` also covers the bundles, which land beside it in /opt/handoff.
  const manifest = { name: 'handoff-sandbox', private: true, type: 'module', dependencies };
  writeFileSync(path.join(native, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** This machine's Node as a prefix (bin/node, lib/node_modules/npm, include/node) for a base without one. */
function copyNode(context) {
  const prefix = path.dirname(path.dirname(process.execPath));
  const parts = [
    [process.execPath, 'bin/node'],
    [path.join(prefix, 'lib/node_modules/npm'), 'lib/node_modules/npm'],
    [path.join(prefix, 'include/node'), 'include/node'],
  ];
  for (const [from, to] of parts) {
    if (!existsSync(from)) fail(`${from} is missing: this machine's Node cannot be copied into the image.`);
    cpSync(from, path.join(context, 'node-dist', to), { recursive: true });
  }
  say(`supplying this machine's Node ${process.version} (${process.execPath}) to a base without Node 20`);
}

function prepareContext(needsNode) {
  const context = mkdtempSync(path.join(tmpdir(), 'handoff-image-'));
  cpSync(path.join(ROOT, 'sandbox/Dockerfile'), path.join(context, 'Dockerfile'));
  cpSync(path.join(ROOT, 'sandbox/docker/supervisor.mjs'), path.join(context, 'app/supervisor.mjs'));
  for (const { part, to } of BUNDLES) {
    for (const file of ['main.js', 'main.js.map']) {
      const from = path.join(ROOT, part, 'dist', file);
      if (existsSync(from)) cpSync(from, path.join(context, 'app', to, file));
    }
  }
  copyNative(context);
  mkdirSync(path.join(context, 'node-dist'));
  if (needsNode) copyNode(context);
  return context;
}

/** sha256 over every file's path, executable bit and bytes, plus the base image's id. */
function hashInputs(context, baseId) {
  const hash = createHash('sha256').update(`base ${baseId}\n`);
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else
        hash
          .update(`${path.relative(context, full)} ${stat.mode & 0o111 ? 'x' : '-'}\n`)
          .update(readFileSync(full));
    }
  };
  walk(context);
  return hash.digest('hex').slice(0, 16);
}

function buildImage(context, base, tag) {
  // Debian's engine ships without buildx; the classic builder then builds the same Dockerfile.
  const env = succeeds('docker', ['buildx', 'version'])
    ? process.env
    : { ...process.env, DOCKER_BUILDKIT: '0' };
  const args = [
    'build',
    '--build-arg',
    `BASE_IMAGE=${base}`,
    '--label',
    'handoff.image=sandbox',
    '-t',
    tag,
    context,
  ];
  say(`docker ${args.join(' ')}`);
  const built = spawnSync('docker', args, { env, stdio: ['ignore', process.stderr, 'inherit'] });
  if (built.status !== 0) fail(`docker build failed (exit ${built.status}).`);
}

function main() {
  const started = Date.now();
  checkEngine();
  ensureBundles();
  const base = resolveBase();
  const context = prepareContext(base.needsNode);
  try {
    const tag = `${REPOSITORY}:${hashInputs(context, run('docker', ['image', 'inspect', '--format', '{{.Id}}', base.image]))}`;
    const cached = imageExists(tag);
    if (cached) say(`${tag} is up to date`);
    else buildImage(context, base.image, tag);
    run('docker', ['tag', tag, `${REPOSITORY}:latest`]);
    const [id, size] = run('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', tag]).split(' ');
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    say(
      `${tag} (${REPOSITORY}:latest): ${(Number(size) / 1e6).toFixed(0)} MB, ${cached ? 'cached' : 'built'} in ${seconds}s`,
    );
    process.stdout.write(
      `${JSON.stringify({ image: tag, id, sizeBytes: Number(size), cached, seconds, base: base.image })}\n`,
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

main();
