// Bundles the extension host code into dist/extension.cjs, after Microsoft's esbuild-sample.
// Type checking is `tsc -b` at the root; this only transpiles and bundles.
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the shape of VS Code's `$esbuild-watch` problem matcher. */
const problemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

async function main() {
  if (!existsSync('dist/webview/assets/main.js')) {
    console.error('dist/webview is missing: build the webview first (npm run build -w @handoff/webview).');
    process.exitCode = 1;
    return;
  }
  const context = await esbuild.context({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    outfile: 'dist/extension.cjs',
    // ws requires these optional native add-ons inside try/catch; leave them out of the bundle.
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
    plugins: [problemMatcherPlugin],
  });
  if (watch) {
    await context.watch();
  } else {
    const result = await context.rebuild();
    await context.dispose();
    if (result.errors.length > 0) process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
