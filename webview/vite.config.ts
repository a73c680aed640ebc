import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the chat UI into the extension's dist/webview/. File names are fixed (no hashes)
 * because the extension's HTML refers to assets/main.js and assets/main.css by name; there is
 * one bundle and no injected inline script, so the CSP can forbid everything but our nonce.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../extension/dist/webview',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { main: 'index.html' },
      output: {
        entryFileNames: 'assets/main.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith('.css')) ? 'assets/main.css' : 'assets/[name][extname]',
      },
    },
  },
});
