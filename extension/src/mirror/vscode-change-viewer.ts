/**
 * @module Shows the agent's changes in VS Code: the agent's version is served read-only under
 * the `handoff-agent:` scheme, and `vscode.diff` puts it beside the local file.
 */
import * as vscode from 'vscode';
import type { MirroredChange } from '@handoff/protocol';
import { decodeUtf8 } from './vscode-workspace-writer';
import type { ChangeViewer } from './workspace-writer';

/** The URI scheme of the agent's versions. */
export const AGENT_SCHEME = 'handoff-agent';

/** The agent's version of `path`; `empty` stands for "no file" (a created or deleted one). */
export function agentUri(path: string, empty = false): vscode.Uri {
  return vscode.Uri.from({ scheme: AGENT_SCHEME, path: `/${path}`, query: empty ? 'empty' : '' });
}

/** Serves the agent's versions and opens diffs. */
export class VscodeChangeViewer implements ChangeViewer, vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /**
   * What each open `handoff-agent:` document showed last. Once a change is accepted or rejected
   * the mirror drops the agent's version; an open diff keeps showing it instead of turning empty.
   */
  private readonly shown = new Map<string, string>();

  constructor(
    private readonly agentContent: (path: string) => Uint8Array | undefined,
    private readonly root: () => vscode.Uri | undefined,
  ) {}

  /** Registers the content provider; dispose the result to remove it. */
  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(AGENT_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme === AGENT_SCHEME) this.shown.delete(document.uri.path);
      }),
      this.changed,
    );
  }

  /** The agent's version of these paths changed: open diff editors reload it. */
  refresh(paths: readonly string[]): void {
    for (const path of paths) this.changed.fire(agentUri(path));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    if (uri.query === 'empty') return '';
    const content = this.agentContent(uri.path.slice(1));
    if (content === undefined) return this.shown.get(uri.path) ?? '';
    const text = decodeUtf8(content) ?? '(binary content)';
    this.shown.set(uri.path, text);
    return text;
  }

  async show(change: MirroredChange, content: Uint8Array | undefined): Promise<void> {
    const root = this.root();
    if (!root) throw new Error("Open a folder to see the agent's changes.");
    const local = vscode.Uri.joinPath(root, ...change.path.split('/'));
    if (change.state === 'applied' || change.state === 'rejected') {
      if (change.kind !== 'deleted' || change.state === 'rejected')
        await vscode.window.showTextDocument(local);
      return;
    }
    if (content !== undefined && decodeUtf8(content) === undefined) {
      void vscode.window.showInformationMessage(
        `${change.path} is a binary file: accept or reject it without a diff.`,
      );
      return;
    }
    const left = change.kind === 'created' && !(await exists(local)) ? agentUri(change.path, true) : local;
    const right = change.kind === 'deleted' ? agentUri(change.path, true) : agentUri(change.path);
    const title = `${change.path} (local ↔ agent${change.state === 'conflict' ? ', conflict' : ''})`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
