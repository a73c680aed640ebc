/**
 * @module The seams between the mirror's core and the editor: where local files are read and
 * written (`WorkspaceWriter`), how a change is shown (`ChangeViewer`) and whether the
 * workspace is trusted (`WorkspaceTrust`). vscode adapters implement them in `vscode-*.ts`;
 * tests use the Node-fs writer from `src/testing/`.
 */
import type { Subscribe } from '../common/emitter';
import type { MirroredChange } from '@handoff/protocol';

/** How a file is written: whether it gets the executable bit. */
export interface WriteOptions {
  executable: boolean;
}

/** The local workspace, addressed by workspace-relative `/`-separated paths. */
export interface WorkspaceWriter {
  /** The file's bytes now, or `undefined` when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Creates or replaces the file (parents included) with exactly `content`. */
  write(path: string, content: Uint8Array, options: WriteOptions): Promise<void>;
  /** Removes the file; absent already is fine. */
  delete(path: string): Promise<void>;
}

/** Shows one change to the user (vscode: the diff editor). */
export interface ChangeViewer {
  show(change: MirroredChange, agentContent: Uint8Array | undefined): Promise<void>;
}

/** Workspace trust (Restricted Mode): without it nothing is mirrored. */
export interface WorkspaceTrust {
  isTrusted(): boolean;
  /** Fires once trust is granted. */
  onDidGrant: Subscribe<undefined>;
}

/** Trust that is always granted (tests, the bench). */
export const alwaysTrusted: WorkspaceTrust = {
  isTrusted: () => true,
  onDidGrant: () => ({ dispose: () => undefined }),
};

/**
 * Whether `path` is safe to mirror: relative, `/`-separated, no `.`/`..`/empty segment, no
 * backslash or NUL, and nothing inside `.git/` (the agent must never plant hooks or config
 * that would run on the user's machine).
 */
export function isMirrorablePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  const segments = path.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return false;
  return segments[0] !== '.git';
}
