/**
 * @module Edit mirroring: the sandbox's change reports (`changes` on observations) reach the
 * local workspace. Apply mode writes them as they come; review mode keeps them pending until
 * accepted. A local file the user changed since the upload is a conflict, never overwritten
 * silently. Knows nothing of `vscode`: the writer, viewer and trust are passed in.
 */
import type { EditMode, Event, MirroredChange, WorkspaceChange } from '@handoff/protocol';
import type { Subscribe } from '../common/emitter';
import { Emitter } from '../common/emitter';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { HandoffError, NotFoundError, toErrorBody } from '../agent/errors';
import { AgentFileClient, sha256Hex } from './agent-file-client';
import type { AgentEndpoint, AgentFile } from './agent-file-client';
import { decide, mergeKind, sortByPath } from './change-rules';
import { PathQueue } from './path-queue';
import { alwaysTrusted, isMirrorablePath } from './workspace-writer';
import type { ChangeViewer, WorkspaceTrust, WorkspaceWriter } from './workspace-writer';

/** What the change list shows: the params of `changes/updated`. */
export interface MirrorSnapshot {
  mode: EditMode;
  changes: MirroredChange[];
}

/** The mirror as the session, the relay and the commands use it. */
export interface MirrorService {
  /** Mirrors a new conversation; `baseline` is the upload manifest (path → sha256 hex). */
  start(conversation: AgentEndpoint, baseline: ReadonlyMap<string, string>): void;
  /** Forgets the conversation and its change list. */
  stop(): void;
  /** Feeds one event of the conversation; only observations with `changes` matter. */
  handle(event: Event): void;
  /** Writes pending changes (all pending when `paths` is absent; a named conflict is overwritten). */
  accept(paths?: readonly string[]): Promise<void>;
  /** Drops pending or conflicting changes, leaving the local files as they are. */
  reject(paths?: readonly string[]): Promise<void>;
  /** Shows one change (vscode: the diff editor). */
  open(path: string): Promise<void>;
  /** The agent's version of a waiting change (`undefined`: deleted or unknown). */
  agentContent(path: string): Uint8Array | undefined;
  snapshot(): MirrorSnapshot;
  /** Settles once every queued fetch and write has finished. */
  whenIdle(): Promise<void>;
  onDidChange: Subscribe<MirrorSnapshot>;
  dispose(): void;
}

/** Something that reads the sandbox's files (the real one is {@link AgentFileClient}). */
export interface AgentFileReader {
  read(path: string): Promise<AgentFile>;
}

/** What the mirror is built from; extension.ts passes the vscode adapters. */
export interface MirrorServiceOptions {
  writer: WorkspaceWriter;
  readMode: () => EditMode;
  logger: Logger;
  viewer?: ChangeViewer;
  trust?: WorkspaceTrust;
  /** Told once when a change arrives in Restricted Mode. */
  notify?: (message: string) => void;
  createReader?: (endpoint: AgentEndpoint) => AgentFileReader;
}

/** The agent's version of a file; `content` and `sha256` are absent for a deletion. */
interface AgentVersion {
  content: Uint8Array | undefined;
  sha256: string | undefined;
  executable: boolean;
}

interface Entry {
  change: MirroredChange;
  /** Kept while the change waits (pending or conflict), for the diff and for accept. */
  version: AgentVersion | undefined;
}

/** The message shown once in Restricted Mode. */
export const RESTRICTED_MODE_MESSAGE =
  "Handoff is not mirroring the agent's edits: this workspace is in Restricted Mode. Trust the workspace to receive them.";

/** The mirror. */
export class WorkspaceMirror extends Disposable implements MirrorService {
  private readonly changeEmitter = this._register(new Emitter<MirrorSnapshot>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly queue: PathQueue;
  private reader: AgentFileReader | undefined;
  private baseline = new Map<string, string>();
  private entries = new Map<string, Entry>();
  /** The newest unprocessed report per path: a later report replaces an earlier one. */
  private incoming = new Map<string, WorkspaceChange>();
  private readonly draining = new Set<string>();
  private generation = 0;
  private toldRestricted = false;
  private readonly trust: WorkspaceTrust;

  constructor(private readonly options: MirrorServiceOptions) {
    super();
    this.queue = new PathQueue((error) => {
      options.logger.error(`Mirroring failed: ${toErrorBody(error).message}`);
    });
    this.trust = options.trust ?? alwaysTrusted;
    this._register(
      this.trust.onDidGrant(() => {
        for (const path of this.incoming.keys()) this.schedule(path);
      }),
    );
  }

  start(conversation: AgentEndpoint, baseline: ReadonlyMap<string, string>): void {
    this.stop();
    const create = this.options.createReader ?? ((endpoint) => new AgentFileClient(endpoint));
    this.reader = create(conversation);
    this.baseline = new Map(baseline);
  }

  stop(): void {
    this.generation += 1;
    this.reader = undefined;
    this.baseline = new Map();
    this.incoming = new Map();
    this.draining.clear();
    const hadChanges = this.entries.size > 0;
    this.entries = new Map();
    if (hadChanges) this.fireChange();
  }

  handle(event: Event): void {
    if (!this.reader || event.type !== 'observation') return;
    const observation = event.observation;
    if (observation.type !== 'run_command' && observation.type !== 'file_editor') return;
    for (const change of observation.changes ?? []) {
      if (!isMirrorablePath(change.path)) {
        this.options.logger.warn(
          `Not mirroring ${JSON.stringify(change.path)}: not a path inside the workspace.`,
        );
        continue;
      }
      this.incoming.set(change.path, change);
      this.schedule(change.path);
    }
  }

  async accept(paths?: readonly string[]): Promise<void> {
    const targets = this.waiting(paths, paths ? ['pending', 'conflict'] : ['pending']);
    await Promise.all(targets.map((path) => this.queue.run(path, () => this.acceptOne(path))));
  }

  async reject(paths?: readonly string[]): Promise<void> {
    const targets = this.waiting(paths, ['pending', 'conflict']);
    await Promise.all(
      targets.map((path) =>
        this.queue.run(path, () => {
          const entry = this.entries.get(path);
          if (!entry || (entry.change.state !== 'pending' && entry.change.state !== 'conflict'))
            return Promise.resolve();
          this.setEntry(path, { ...entry.change, state: 'rejected' }, undefined);
          return Promise.resolve();
        }),
      ),
    );
  }

  async open(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (!entry)
      throw new HandoffError('path_not_found', `The agent has not changed ${path} in this conversation.`);
    if (!this.options.viewer) throw new Error('No viewer: this mirror cannot show changes.');
    await this.options.viewer.show(entry.change, entry.version?.content);
  }

  agentContent(path: string): Uint8Array | undefined {
    return this.entries.get(path)?.version?.content;
  }

  snapshot(): MirrorSnapshot {
    return {
      mode: this.options.readMode(),
      changes: sortByPath([...this.entries.values()].map((e) => e.change)),
    };
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private waiting(
    paths: readonly string[] | undefined,
    states: readonly MirroredChange['state'][],
  ): string[] {
    const candidates = paths ?? [...this.entries.keys()];
    return candidates.filter((path) => {
      const state = this.entries.get(path)?.change.state;
      return state !== undefined && states.includes(state);
    });
  }

  private schedule(path: string): void {
    if (!this.trust.isTrusted()) {
      if (!this.toldRestricted) {
        this.toldRestricted = true;
        this.options.logger.warn(RESTRICTED_MODE_MESSAGE);
        this.options.notify?.(RESTRICTED_MODE_MESSAGE);
      }
      return;
    }
    if (this.draining.has(path)) return;
    this.draining.add(path);
    const generation = this.generation;
    void this.queue.run(path, () => this.drain(path, generation));
  }

  /** Processes the newest report of `path` until none is left; an older one is never written after a newer. */
  private async drain(path: string, generation: number): Promise<void> {
    const reader = this.reader;
    try {
      while (reader && generation === this.generation) {
        const change = this.incoming.get(path);
        if (!change) break;
        this.incoming.delete(path);
        const version = await this.fetchVersion(reader, change);
        if (generation !== this.generation) return;
        if (!version || this.incoming.has(path)) continue;
        await this.settle(path, change.kind, version);
      }
    } finally {
      if (generation === this.generation) this.draining.delete(path);
    }
  }

  private async fetchVersion(
    reader: AgentFileReader,
    change: WorkspaceChange,
  ): Promise<AgentVersion | undefined> {
    if (change.kind === 'deleted') return { content: undefined, sha256: undefined, executable: false };
    const { logger } = this.options;
    if (change.symlinkTarget !== undefined || change.sha256 === undefined) {
      logger.warn(`Not mirroring ${change.path}: symbolic links stay in the sandbox.`);
      return undefined;
    }
    try {
      const file = await reader.read(change.path);
      if (file.sha256 === change.sha256)
        return { content: file.content, sha256: file.sha256, executable: file.executable };
      // The sandbox has changed it again since this report; the next report carries that version.
      if (!this.incoming.has(change.path))
        logger.info(
          `Not mirroring ${change.path} yet: it changed again in the sandbox; waiting for that report.`,
        );
    } catch (error) {
      if (error instanceof NotFoundError)
        logger.info(`Not mirroring ${change.path}: the sandbox no longer has it.`);
      else logger.error(`Could not fetch ${change.path}: ${toErrorBody(error).message}`);
    }
    return undefined;
  }

  /** A verified agent version arrived: write it (apply) or keep it (review), unless it conflicts. */
  private async settle(
    path: string,
    reported: WorkspaceChange['kind'],
    version: AgentVersion,
  ): Promise<void> {
    const previous = this.entries.get(path)?.change;
    const kind = mergeKind(previous, reported);
    if (kind === undefined) {
      this.entries.delete(path);
      this.fireChange();
      return;
    }
    const local = await this.localHash(path);
    const decision = decide(local, this.baseline.get(path), version.sha256);
    if (decision === 'already') {
      this.remember(path, version.sha256);
      this.setEntry(path, { path, kind, state: 'applied' }, undefined);
    } else if (decision === 'conflict') {
      this.setEntry(path, { path, kind, state: 'conflict' }, version);
    } else if (this.options.readMode() === 'review') {
      this.setEntry(path, { path, kind, state: 'pending' }, version);
    } else {
      await this.write(path, kind, version);
    }
  }

  private async acceptOne(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (!entry?.version) return;
    if (entry.change.state === 'pending') {
      const local = await this.localHash(path);
      if (decide(local, this.baseline.get(path), entry.version.sha256) === 'conflict') {
        this.setEntry(path, { ...entry.change, state: 'conflict' }, entry.version);
        return;
      }
    } else if (entry.change.state !== 'conflict') {
      return;
    }
    await this.write(path, entry.change.kind, entry.version);
  }

  private async write(path: string, kind: MirroredChange['kind'], version: AgentVersion): Promise<void> {
    const { writer } = this.options;
    try {
      if (version.content === undefined) await writer.delete(path);
      else await writer.write(path, version.content, { executable: version.executable });
    } catch (error) {
      this.options.logger.error(`Could not write ${path}: ${toErrorBody(error).message}`);
      this.setEntry(path, { path, kind, state: 'pending' }, version);
      return;
    }
    this.remember(path, version.sha256);
    this.setEntry(path, { path, kind, state: 'applied' }, undefined);
  }

  private async localHash(path: string): Promise<string | undefined> {
    const bytes = await this.options.writer.read(path);
    return bytes === undefined ? undefined : sha256Hex(bytes);
  }

  /** What the mirror wrote last becomes the baseline for the next change of that path. */
  private remember(path: string, sha256: string | undefined): void {
    if (sha256 === undefined) this.baseline.delete(path);
    else this.baseline.set(path, sha256);
  }

  private setEntry(path: string, change: MirroredChange, version: AgentVersion | undefined): void {
    this.entries.set(path, { change, version });
    this.fireChange();
  }

  private fireChange(): void {
    this.changeEmitter.fire(this.snapshot());
  }
}
