/**
 * @module The status bar item: the shown conversation's state at a glance, its model and cost in
 * the tooltip; a click focuses the Handoff view.
 */
import * as vscode from 'vscode';
import type { ConversationSummary } from '@handoff/protocol';
import type { WorkspaceStateSource } from '../common/change-review';
import { Disposable } from '../common/lifecycle';
import type { ChatHistory, ChatSession } from './session-relay';
import { ChatViewProvider } from './chat-view-provider';
import { statusLabel } from './status-label';

/** Options of {@link ConversationStatusBar}. */
export interface ConversationStatusBarOptions {
  session: Pick<ChatSession, 'snapshot' | 'current' | 'onDidChangeStatus' | 'onDidChangeConversation'>;
  history: Pick<ChatHistory, 'list' | 'onDidChange'>;
  workspace: WorkspaceStateSource;
}

/** Keeps one status bar item in step with the shown conversation. */
export class ConversationStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('handoff.status', vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly options: ConversationStatusBarOptions) {
    super();
    this.item.name = 'Handoff';
    this.item.command = `${ChatViewProvider.viewType}.focus`;
    const update = (): void => {
      this.update();
    };
    this._register(options.session.onDidChangeStatus(update));
    this._register(options.session.onDidChangeConversation(update));
    this._register(options.history.onDidChange(update));
    this._register(options.workspace.onDidChange(update));
    this.update();
    this.item.show();
  }

  private update(): void {
    const summary = this.summary();
    const { status } = this.options.session.snapshot();
    const label = statusLabel(status, summary?.status);
    this.item.text = `${label.icon} Handoff: ${label.text}`;
    const { model, trusted } = this.options.workspace.current();
    const lines = [
      summary ? `**${summary.title}**` : 'No conversation',
      `Model: ${model}`,
      `Cost: $${(summary?.costUsd ?? 0).toFixed(4)} · ${String(summary?.tokens ?? 0)} tokens`,
    ];
    if (status.message) lines.push(status.message);
    if (!trusted) lines.push('Restricted Mode: no upload and no mirroring until the workspace is trusted.');
    this.item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
  }

  private summary(): ConversationSummary | undefined {
    const id = this.options.session.current()?.conversationId;
    return id === undefined ? undefined : this.options.history.list().find((item) => item.conversationId === id);
  }
}
