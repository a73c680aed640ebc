/**
 * @module The real {@link WorkspaceHost}: the first workspace folder on disk, workspace trust,
 * and a cancellable progress notification.
 */
import * as vscode from 'vscode';
import type { ProgressReport, WorkspaceHost } from '../workspace/session-upload';

/** Reads the folder and trust at each call (both may change between conversations). */
export function createWorkspaceHost(): WorkspaceHost {
  return {
    root: () => vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath,
    isTrusted: () => vscode.workspace.isTrusted,
    withProgress: <T>(title: string, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>) =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title, cancellable: true },
          (progress, token) => {
            const controller = new AbortController();
            const cancelled = token.onCancellationRequested(() => {
              controller.abort();
            });
            const report: ProgressReport = (message, increment) => {
              progress.report({ message, increment });
            };
            return task(report, controller.signal).finally(() => {
              cancelled.dispose();
            });
          },
        ),
      ),
  };
}
