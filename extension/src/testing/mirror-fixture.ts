/**
 * @module A sandbox folder served by a real {@link WorkspaceFileServer}, a local folder behind
 * {@link NodeFsWorkspaceWriter}, and the mirror between them: for the mirror's tests and the bench.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EditMode, ObservationEvent, WorkspaceChange } from '@handoff/protocol';
import { anObservationEvent } from '@handoff/protocol/testing';
import { silentLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import { WorkspaceMirror } from '../mirror/mirror-service';
import type { MirrorServiceOptions } from '../mirror/mirror-service';
import { NodeFsWorkspaceWriter } from './node-fs-workspace-writer';
import { WorkspaceFileServer } from './workspace-file-server';

/** SHA-256 hex of a string or bytes. */
export function sha(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** An observation event reporting `changes`. */
export function observationWith(changes: WorkspaceChange[], seq = 1): ObservationEvent {
  const event = anObservationEvent({ seq });
  if (event.observation.type !== 'run_command') throw new Error('builder changed');
  return { ...event, observation: { ...event.observation, changes } };
}

/** Two folders and the mirror between them; `close()` removes everything. */
export class MirrorFixture {
  mode: EditMode = 'apply';
  readonly mirror: WorkspaceMirror;

  private constructor(
    readonly sandboxDir: string,
    readonly localDir: string,
    readonly server: WorkspaceFileServer,
    readonly key: string,
    options: Partial<MirrorServiceOptions>,
  ) {
    this.mirror = new WorkspaceMirror({
      writer: new NodeFsWorkspaceWriter(localDir),
      readMode: () => this.mode,
      logger: silentLogger,
      ...options,
    });
  }

  static async create(
    options: Partial<MirrorServiceOptions> & { logger?: Logger } = {},
  ): Promise<MirrorFixture> {
    const dir = await mkdtemp(path.join(tmpdir(), 'handoff-mirror-'));
    const sandboxDir = path.join(dir, 'sandbox');
    const localDir = path.join(dir, 'local');
    await mkdir(sandboxDir);
    await mkdir(localDir);
    const key = randomBytes(16).toString('hex');
    const server = await WorkspaceFileServer.start(sandboxDir, key);
    return new MirrorFixture(sandboxDir, localDir, server, key, options);
  }

  /** Starts mirroring with `baseline` (path → content as uploaded). */
  start(baseline: Record<string, string> = {}): void {
    const manifest = new Map(Object.entries(baseline).map(([p, content]) => [p, sha(content)]));
    this.mirror.start({ agentServerUrl: this.server.url, sessionApiKey: this.key }, manifest);
  }

  /** The agent writes a file in the sandbox; returns its change report. */
  async agentWrites(
    relative: string,
    content: string | Uint8Array,
    kind: WorkspaceChange['kind'] = 'created',
    executable = false,
  ): Promise<WorkspaceChange> {
    const file = path.join(this.sandboxDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    await chmod(file, executable ? 0o755 : 0o644);
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    return { path: relative, kind, sha256: sha(content), size, executable };
  }

  /** The agent deletes a file in the sandbox; returns its change report. */
  async agentDeletes(relative: string): Promise<WorkspaceChange> {
    await rm(path.join(this.sandboxDir, relative), { force: true });
    return { path: relative, kind: 'deleted' };
  }

  /** Writes a local file (the user's edit, or the state at upload). */
  async localWrites(relative: string, content: string): Promise<void> {
    const file = path.join(this.localDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }

  /** The local file's bytes, or `undefined` when absent. */
  async local(relative: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path.join(this.localDir, relative));
    } catch {
      return undefined;
    }
  }

  /** Whether the local file has an executable bit. */
  async localExecutable(relative: string): Promise<boolean> {
    return ((await stat(path.join(this.localDir, relative))).mode & 0o111) !== 0;
  }

  /** Feeds the report to the mirror and waits until it has been handled. */
  async report(...changes: WorkspaceChange[]): Promise<void> {
    this.mirror.handle(observationWith(changes));
    await this.mirror.whenIdle();
  }

  /** The change list as `path: state`. */
  states(): Record<string, string> {
    return Object.fromEntries(this.mirror.snapshot().changes.map((c) => [c.path, `${c.kind}:${c.state}`]));
  }

  async close(): Promise<void> {
    this.mirror.dispose();
    await this.server.close();
    await rm(path.dirname(this.sandboxDir), { recursive: true, force: true });
  }
}
