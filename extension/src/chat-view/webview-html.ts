/**
 * @module The chat view's HTML: a strict CSP with a per-load nonce, and the webview's built
 * assets (Vite writes them to `dist/webview/assets/` under these fixed names).
 */
import { randomBytes } from 'node:crypto';

/** The built script and stylesheet, relative to `dist/webview/`; see webview/vite.config.ts. */
export const WEBVIEW_ASSETS = { script: 'assets/main.js', style: 'assets/main.css' } as const;

/** What the HTML needs to know about the webview it goes into. */
export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** The webview URI of {@link WEBVIEW_ASSETS.script}. */
  scriptUri: string;
  /** The webview URI of {@link WEBVIEW_ASSETS.style}. */
  styleUri: string;
  /** A fresh {@link createNonce} per load. */
  nonce: string;
}

/** A random nonce for the CSP, as `getNonce` in the webview-view sample but from a CSPRNG. */
export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The Content-Security-Policy: nothing but our own script, styles, fonts and images; no network. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The webview UI toolkit's components set inline styles.
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** The whole HTML document of the chat view. */
export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const csp = contentSecurityPolicy(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
  <title>Handoff</title>
</head>
<body>
  <div id="root"></div>
  <script type="module" nonce="${escapeAttribute(options.nonce)}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
