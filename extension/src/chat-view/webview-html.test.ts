import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WEBVIEW_ASSETS, contentSecurityPolicy, createNonce, renderWebviewHtml } from './webview-html';

const distWebview = fileURLToPath(new URL('../../dist/webview/', import.meta.url));

describe('renderWebviewHtml', () => {
  const html = renderWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: `https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/${WEBVIEW_ASSETS.script}`,
    styleUri: `https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/${WEBVIEW_ASSETS.style}`,
    nonce: 'abc123',
  });

  it('loads the built script with the nonce and the built stylesheet', () => {
    expect(html).toContain(
      `<script type="module" nonce="abc123" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/assets/main.js"></script>`,
    );
    expect(html).toContain(
      `<link rel="stylesheet" href="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/assets/main.css">`,
    );
    expect(html).toContain('<div id="root"></div>');
  });

  it('has a strict CSP: no default sources, nonce-only scripts, no connect-src', () => {
    const csp = contentSecurityPolicy('vscode-resource:', 'n1');
    expect(csp).toBe(
      "default-src 'none'; script-src 'nonce-n1'; style-src vscode-resource: 'unsafe-inline'; font-src vscode-resource:; img-src vscode-resource: data:",
    );
    expect(csp).not.toContain('connect-src');
    expect(html).toContain('http-equiv="Content-Security-Policy"');
  });

  it('makes a fresh, URL-safe nonce each time', () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(createNonce()).not.toBe(a);
  });

  it.runIf(existsSync(distWebview))('refers to files the webview build produced', () => {
    for (const asset of Object.values(WEBVIEW_ASSETS))
      expect(existsSync(`${distWebview}${asset}`)).toBe(true);
  });
});
