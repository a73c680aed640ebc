/**
 * @module The "Changes" tree in the Handoff view container: every file the agent changed, with
 * its state; pending and conflicting ones carry inline accept and reject actions.
 */
import * as vscode from 'vscode';
import type { MirroredChange } from '@handoff/protocol';
import type { MirrorService } from './mirror-service';

const STATE_LABEL: Record<MirroredChange['state'], string> = {
  pending: 'waiting for review',
  applied: 'applied',
  rejected: 'rejected',
  conflict: 'conflict: changed locally',
};

const STATE_ICON: Record<MirroredChange['state'], string> = {
  pending: 'circle-outline',
  applied: 'check',
  rejected: 'close',
  conflict: 'warning',
};

/** Lists the mirror's changes. */
export class ChangesTreeProvider implements vscode.TreeDataProvider<MirroredChange>, vscode.Disposable {
  /** The view's id in package.json. */
  static readonly viewId = 'handoff.changes';
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly mirror: MirrorService) {
    this.subscription = mirror.onDidChange(() => {
      this.changed.fire(undefined);
    });
  }

  getChildren(element?: MirroredChange): MirroredChange[] {
    return element ? [] : this.mirror.snapshot().changes;
  }

  getTreeItem(change: MirroredChange): vscode.TreeItem {
    const slash = change.path.lastIndexOf('/');
    const item = new vscode.TreeItem(change.path.slice(slash + 1));
    item.description = `${slash > 0 ? `${change.path.slice(0, slash)} · ` : ''}${change.kind}, ${STATE_LABEL[change.state]}`;
    item.tooltip = `${change.path}: ${change.kind} by the agent, ${STATE_LABEL[change.state]}`;
    item.iconPath = new vscode.ThemeIcon(STATE_ICON[change.state]);
    item.contextValue = `handoff.change.${change.state}`;
    item.command = { command: 'handoff.openChange', title: 'Open Change', arguments: [change.path] };
    item.accessibilityInformation = { label: item.tooltip };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
