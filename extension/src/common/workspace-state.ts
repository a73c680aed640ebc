/**
 * @module The workspace's trust and the `handoff.*` settings the chat view shows, read live
 * from VS Code.
 */
import * as vscode from 'vscode';
import type { EditMode } from '@handoff/protocol';
import type { WorkspaceState, WorkspaceStateSource } from './change-review';
import { Disposable } from './lifecycle';
import { DEFAULT_MODEL } from './settings';

const WATCHED = ['handoff.editMode', 'handoff.model'];

/** {@link WorkspaceStateSource} over `vscode.workspace`. */
export class VscodeWorkspaceState extends Disposable implements WorkspaceStateSource {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;

  constructor() {
    super();
    this._register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.emitter.fire();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (WATCHED.some((section) => change.affectsConfiguration(section))) this.emitter.fire();
      }),
    );
  }

  current(): WorkspaceState {
    const config = vscode.workspace.getConfiguration('handoff');
    const editMode: EditMode = config.get<string>('editMode') === 'review' ? 'review' : 'apply';
    return {
      trusted: vscode.workspace.isTrusted,
      editMode,
      model: config.get<string>('model')?.trim() || DEFAULT_MODEL,
    };
  }
}
