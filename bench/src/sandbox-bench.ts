import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChangesResponseSchema,
  ExecuteActionResponseSchema,
  SESSION_API_KEY_HEADER,
  UploadResponseSchema,
  type SandboxAction,
} from '@handoff/protocol';
import { makeTree } from '../../sandbox/src/testing/make-tree';
import { BUNDLES, startService, type RunningService } from '../../e2e/src/services';
import { summarize, time, type Timing } from './stats';

/** An action server started from its bundle on a fresh workspace. */
interface ActionServer {
  server: RunningService;
  key: string;
  workspace: string;
  dispose(): Promise<void>;
}

async function startActionServer(prepare?: (workspace: string) => Promise<void>): Promise<ActionServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'handoff-bench-'));
  const workspace = path.join(dir, 'workspace');
  mkdirSync(workspace);
  await prepare?.(workspace);
  const key = randomBytes(24).toString('base64url');
  const server = await startService(BUNDLES.actionServer, {
    HANDOFF_SESSION_API_KEY: key,
    HANDOFF_WORKSPACE: workspace,
    HANDOFF_PORT: '0',
  });
  return {
    server,
    key,
    workspace,
    dispose: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function execute(sandbox: ActionServer, action: SandboxAction) {
  const response = await fetch(`${sandbox.server.url}/execute_action`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: sandbox.key },
    body: JSON.stringify({ action }),
  });
  if (!response.ok) throw new Error(`execute_action: ${String(response.status)} ${await response.text()}`);
  return ExecuteActionResponseSchema.parse(await response.json()).observation;
}

/** `bash_rtt_ms`: `true` through POST /execute_action in the persistent session. */
export async function benchBashRtt(): Promise<Timing> {
  const sandbox = await startActionServer();
  try {
    const samples = await time(
      200,
      async () => {
        const observation = await execute(sandbox, { type: 'run_command', command: 'true' });
        if (observation.type !== 'run_command' || observation.exitCode !== 0)
          throw new Error('`true` failed');
      },
      10,
    );
    return summarize(samples);
  } finally {
    await sandbox.dispose();
  }
}

/** `edit_rtt_ms`: a `str_replace` on a 2,000-line file through POST /execute_action. */
export async function benchEditRtt(): Promise<Timing> {
  const lines = Array.from(
    { length: 2000 },
    (_, i) => `const value${String(i)} = ${String(i)}; // line ${String(i + 1)}`,
  );
  const sandbox = await startActionServer((workspace) => {
    writeFileSync(path.join(workspace, 'big.ts'), `${lines.join('\n')}\n`);
    return Promise.resolve();
  });
  try {
    const samples = await time(
      100,
      async (i) => {
        // Alternate between two values so every edit really changes the file.
        const [from, to] = i % 2 === 0 ? ['= 1000;', '= -1000;'] : ['= -1000;', '= 1000;'];
        const observation = await execute(sandbox, {
          type: 'file_editor',
          command: 'str_replace',
          path: 'big.ts',
          oldStr: `const value1000 ${from}`,
          newStr: `const value1000 ${to}`,
        });
        if (observation.type !== 'file_editor' || observation.isError)
          throw new Error(`edit failed: ${JSON.stringify(observation)}`);
      },
      4,
    );
    return summarize(samples);
  } finally {
    await sandbox.dispose();
  }
}

/** `change_scan_ms_50k`: POST /changes/scan after one edit in a 50,000-file tree. */
export async function benchChangeScan(): Promise<Timing> {
  let files: string[] = [];
  const sandbox = await startActionServer(async (workspace) => {
    files = await makeTree(workspace, { dirs: 5_000, filesPerDir: 10 });
  });
  const scan = async () => {
    const response = await fetch(`${sandbox.server.url}/changes/scan`, {
      method: 'POST',
      headers: { [SESSION_API_KEY_HEADER]: sandbox.key },
    });
    if (!response.ok) throw new Error(`changes/scan: ${String(response.status)} ${await response.text()}`);
    return ChangesResponseSchema.parse(await response.json()).changes;
  };
  try {
    await scan(); // waits for the baseline
    const samples: number[] = [];
    for (let round = 0; round < 22; round += 1) {
      const file = files[(round * 7919) % files.length]!;
      appendFileSync(path.join(sandbox.workspace, file), `edit ${String(round)}\n`);
      const t0 = performance.now();
      const changes = await scan();
      const elapsed = performance.now() - t0;
      if (changes.length !== 1 || changes[0]?.path !== file)
        throw new Error(`scan reported ${JSON.stringify(changes)}`);
      if (round >= 2) samples.push(elapsed);
    }
    return summarize(samples);
  } finally {
    await sandbox.dispose();
  }
}

/** `upload_mb_per_s`: PUT /files/upload of a 50 MB workspace tar. */
export async function benchUpload(): Promise<{ mbPerS: number; megabytes: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'handoff-upload-'));
  const source = path.join(dir, 'project');
  mkdirSync(source);
  // 500 files × 100 KB of incompressible-ish content: a 50 MB workspace.
  for (let d = 0; d < 20; d += 1) {
    mkdirSync(path.join(source, `pkg${String(d)}`));
    for (let f = 0; f < 25; f += 1)
      writeFileSync(path.join(source, `pkg${String(d)}`, `blob${String(f)}.bin`), randomBytes(100_000));
  }
  const archive = path.join(dir, 'project.tar');
  const tar = spawnSync('tar', ['-C', source, '-cf', archive, '.']);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
  const body = readFileSync(archive);
  const megabytes = statSync(archive).size / 1e6;
  const sandbox = await startActionServer();
  try {
    const rates: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const t0 = performance.now();
      const response = await fetch(
        `${sandbox.server.url}/files/upload?path=${encodeURIComponent(`upload-${String(round)}`)}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/x-tar', [SESSION_API_KEY_HEADER]: sandbox.key },
          body,
        },
      );
      if (!response.ok) throw new Error(`upload: ${String(response.status)} ${await response.text()}`);
      UploadResponseSchema.parse(await response.json());
      rates.push(megabytes / ((performance.now() - t0) / 1000));
    }
    return { mbPerS: summarize(rates).median, megabytes: Math.round(megabytes * 10) / 10 };
  } finally {
    await sandbox.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
