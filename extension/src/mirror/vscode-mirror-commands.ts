/**
 * @module Builds the mirror with its VS Code adapters (writer, diff viewer, trust, the
 * `handoff.editMode` setting) and registers the review commands and the "Changes" tree.
 */
import * as vscode from 'vscode';
import type { MirroredChange } from '@handoff/protocol';
import type { DisposableLike } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { readEditMode } from '../common/settings';
import { WorkspaceMirror } from './mirror-service';
import type { MirrorService } from './mirror-service';
import { VscodeChangeViewer } from './vscode-change-viewer';
import { ChangesTreeProvider } from './vscode-changes-tree';
import { VscodeWorkspaceWriter } from './vscode-workspace-writer';

/** The review commands, as contributed in package.json. */
export const MirrorCommand = {
  acceptAll: 'handoff.acceptAllChanges',
  rejectAll: 'handoff.rejectAllChanges',
  open: 'handoff.openChange',
  accept: 'handoff.acceptChange',
  reject: 'handoff.rejectChange',
} as const;

/** The mirror and what it registered (push `disposables` into the extension's subscriptions). */
export interface VscodeMirror {
  mirror: MirrorService;
  disposables: DisposableLike[];
}

/** Builds the mirror for the first workspace folder. */
export function createVscodeMirror(logger: Logger): VscodeMirror {
  const root = (): vscode.Uri | undefined => vscode.workspace.workspaceFolders?.[0]?.uri;
  const holder: { mirror?: WorkspaceMirror } = {};
  const viewer = new VscodeChangeViewer((path) => holder.mirror?.agentContent(path), root);
  const mirror = new WorkspaceMirror({
    writer: new VscodeWorkspaceWriter(root),
    viewer,
    readMode: readEditMode,
    logger,
    trust: {
      isTrusted: () => vscode.workspace.isTrusted,
      onDidGrant: (listener) =>
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
          listener(undefined);
        }),
    },
    notify: (message) => void vscode.window.showWarningMessage(message),
  });
  holder.mirror = mirror;
  const tree = new ChangesTreeProvider(mirror);
  const disposables: DisposableLike[] = [
    mirror,
    viewer.register(),
    tree,
    mirror.onDidChange((snapshot) => {
      viewer.refresh(snapshot.changes.map((change) => change.path));
    }),
    vscode.window.createTreeView(ChangesTreeProvider.viewId, { treeDataProvider: tree }),
    ...registerMirrorCommands(mirror, logger),
  ];
  return { mirror, disposables };
}

/** Registers the review commands against `mirror`. */
export function registerMirrorCommands(mirror: MirrorService, logger: Logger): vscode.Disposable[] {
  const run = (what: string, action: () => Promise<void>): Promise<void> =>
    action().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      logger.error(`${what}: ${message}`);
      void vscode.window.showErrorMessage(`Handoff: ${what}: ${message}`);
    });
  return [
    vscode.commands.registerCommand(MirrorCommand.acceptAll, () =>
      run('Accepting changes', () => mirror.accept()),
    ),
    vscode.commands.registerCommand(MirrorCommand.rejectAll, () =>
      run('Rejecting changes', () => mirror.reject()),
    ),
    vscode.commands.registerCommand(MirrorCommand.accept, (target?: MirroredChange | string) =>
      run('Accepting a change', async () => {
        const path = await pickPath(mirror, target, ['pending', 'conflict']);
        if (path) await mirror.accept([path]);
      }),
    ),
    vscode.commands.registerCommand(MirrorCommand.reject, (target?: MirroredChange | string) =>
      run('Rejecting a change', async () => {
        const path = await pickPath(mirror, target, ['pending', 'conflict']);
        if (path) await mirror.reject([path]);
      }),
    ),
    vscode.commands.registerCommand(MirrorCommand.open, (target?: MirroredChange | string) =>
      run('Opening a change', async () => {
        const path = await pickPath(mirror, target);
        if (path) await mirror.open(path);
      }),
    ),
  ];
}

/** The path named by a tree item or an argument, else the one the user picks. */
async function pickPath(
  mirror: MirrorService,
  target: MirroredChange | string | undefined,
  states?: readonly MirroredChange['state'][],
): Promise<string | undefined> {
  if (typeof target === 'string') return target;
  if (target) return target.path;
  const changes = mirror.snapshot().changes.filter((change) => !states || states.includes(change.state));
  if (changes.length === 0) {
    void vscode.window.showInformationMessage('Handoff: the agent has no changes waiting.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    changes.map((change) => ({ label: change.path, description: `${change.kind}, ${change.state}` })),
    { placeHolder: "The agent's change" },
  );
  return picked?.label;
}
