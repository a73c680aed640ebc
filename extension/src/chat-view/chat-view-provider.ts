import * as vscode from 'vscode';
import { Disposable, disposeAll } from '../common/lifecycle';
import type { DisposableLike } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { chatRequestHandlers, relaySession } from './session-relay';
import type { ChatServices } from './session-relay';
import { WebviewBridge } from './webview-bridge';
import { WEBVIEW_ASSETS, createNonce, renderWebviewHtml } from './webview-html';

/** Options of {@link ChatViewProvider}. */
export interface ChatViewProviderOptions {
  extensionUri: vscode.Uri;
  services: ChatServices;
  logger: Logger;
}

/**
 * The Handoff chat in the sidebar. VS Code disposes the webview when the view is hidden, and
 * calls `resolveWebviewView` again when it comes back; the services outlive it, and the new
 * webview is replayed from their state once it is ready.
 */
export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewType = 'handoff.chat';

  private readonly webviewRoot: vscode.Uri;
  /** What belongs to the webview shown now; released when VS Code disposes it. */
  private viewDisposables: DisposableLike[] = [];

  constructor(private readonly options: ChatViewProviderOptions) {
    super();
    this.webviewRoot = vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview');
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: [this.webviewRoot] };
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview
        .asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, WEBVIEW_ASSETS.script))
        .toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, WEBVIEW_ASSETS.style)).toString(),
      nonce: createNonce(),
    });
    const bridge = new WebviewBridge({
      webview,
      handlers: chatRequestHandlers(this.options.services),
      logger: this.options.logger,
    });
    this.releaseView();
    this.viewDisposables = [
      bridge,
      ...relaySession(this.options.services, bridge),
      view.onDidDispose(() => {
        this.releaseView();
      }),
    ];
  }

  override dispose(): void {
    this.releaseView();
    super.dispose();
  }

  private releaseView(): void {
    const owned = this.viewDisposables;
    this.viewDisposables = [];
    disposeAll(owned);
  }
}
